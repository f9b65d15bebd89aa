package io.stsbroker.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of every error response; {@code upstreamCode} only when STS said no. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String code, String message, String requestId, String upstreamCode) {
}
