package io.stsbroker.api.dto;

/** Answer of {@code POST /v1/admin/invalidate}: how many cached credentials were dropped. */
public record InvalidateResult(long invalidated) {
}
