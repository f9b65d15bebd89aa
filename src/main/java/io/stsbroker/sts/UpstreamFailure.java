package io.stsbroker.sts;

import java.time.Duration;
import java.util.Collection;

/**
 * The cause attached to an unreachable {@link StsException}: what went wrong, described without
 * anything that could carry a credential.
 *
 * <p>Why not the original exception: some network exceptions quote the request line (Vert.x's
 * timeout message names {@code METHOD /?query}), and the query holds the Signature and the
 * SecurityToken. So the message keeps the exception type and its text up to the first {@code ?},
 * with every known secret value masked as well, and the original is not chained.
 */
final class UpstreamFailure extends Exception {

    private final boolean timeout;

    private UpstreamFailure(String message, boolean timeout) {
        super(message, null, false, false);
        this.timeout = timeout;
    }

    /** The whole exchange did not finish within the per-attempt timeout. */
    static UpstreamFailure timeout(Duration timeout, StsEndpoint endpoint) {
        return new UpstreamFailure("no complete answer from " + endpoint + " within " + timeout.toMillis() + " ms", true);
    }

    /** A failure detected by the client itself (e.g. an oversized body); {@code message} must be safe. */
    static UpstreamFailure of(String message) {
        return new UpstreamFailure(message, false);
    }

    /** A failure from the network stack or another library, made safe to log and chain. */
    static UpstreamFailure of(Throwable failure, Collection<String> secrets) {
        if (failure instanceof UpstreamFailure known) {
            return known;
        }
        return new UpstreamFailure(describe(failure, secrets), false);
    }

    /** {@code SimpleClassName: message}, with the message cut at its first {@code ?} and secrets masked. */
    static String describe(Throwable failure, Collection<String> secrets) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return type;
        }
        int query = message.indexOf('?');
        if (query >= 0) {
            message = message.substring(0, query) + "?<redacted>";
        }
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                message = message.replace(secret, "<redacted>");
            }
        }
        return type + ": " + message;
    }

    boolean isTimeout() {
        return timeout;
    }
}
