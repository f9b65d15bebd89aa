package io.stsbroker.client;

/**
 * Fetches a fresh set of credentials for a role on every call, without caching.
 *
 * <p>{@link BrokerClient} is the broker-backed implementation; {@link BrokerCredentials} adds the
 * caching and refresh policy on top of any fetcher. Failures are reported as
 * {@link BrokerException}s.
 */
@FunctionalInterface
public interface CredentialsFetcher {

    /** Fetches new credentials for {@code role}. */
    TemporaryCredentials fetch(String role);
}
