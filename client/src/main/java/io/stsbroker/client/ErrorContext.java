package io.stsbroker.client;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What this client was doing when the broker refused, so error messages can say what to fix.
 *
 * @param action      what was asked, e.g. {@code fetch credentials for role 'search-reader'}
 * @param role        the role asked for, or {@code null} for requests not about a role
 * @param tokenSource where the bearer token came from ({@link TokenSource#description()})
 * @param identity    looks up the caller's identity for 403 messages; called only then, may be empty
 */
record ErrorContext(String action, String role, String tokenSource, Supplier<Optional<String>> identity) {
}
