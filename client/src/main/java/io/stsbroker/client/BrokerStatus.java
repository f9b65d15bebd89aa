package io.stsbroker.client;

/**
 * The broker's answer to {@code GET /api/v1/status}: who it thinks the caller is.
 *
 * @param status   {@code UP} when the broker serves requests
 * @param caller   the caller's identity, e.g. {@code apikey:dev} or
 *                 {@code system:serviceaccount:search:indexer}; this is what roles are granted to
 * @param provider where the broker gets credentials: {@code embedded} or {@code alibaba}
 * @param version  the broker's version
 */
public record BrokerStatus(String status, String caller, String provider, String version) {
}
