package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/**
 * Where the broker's own identity comes from, read once per signed request.
 *
 * <p>Each item is one consistent snapshot (see {@link SigningCredentials}). Implementations never
 * block the subscribing thread, which is usually a Vert.x event loop: anything that may block
 * (files, metadata services, HTTP) runs on a worker thread. A failure is reported as a failed
 * {@link Uni}, never thrown.
 */
public interface SigningCredentialsSource {

    Uni<SigningCredentials> current();
}
