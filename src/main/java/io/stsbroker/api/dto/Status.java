package io.stsbroker.api.dto;

/** Answer of {@code GET /api/v1/status}: the broker is up and knows who is calling. */
public record Status(String status, String caller, String provider, String version) {
}
