package io.stsbroker.client;

/**
 * Hands out the current credentials for one fixed role, fetching or refreshing them as needed.
 *
 * <p>Implementations are thread-safe and cheap to call per request; {@link BrokerCredentials} is
 * the broker-backed one. Failures are reported as {@link BrokerException}s.
 */
@FunctionalInterface
public interface CredentialsSource {

    /** Returns credentials that are valid now; never {@code null}. */
    TemporaryCredentials credentials();
}
