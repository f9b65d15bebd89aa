package io.stsbroker.client;

import io.stsbroker.client.internal.Json;
import io.stsbroker.client.internal.SafeText;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a broker error response into the one typed exception that says what to fix; the single
 * place where statuses are classified as retryable or permanent.
 *
 * <p>Retryable: 429 {@code Throttling}, 503 {@code UpstreamUnavailable}, 504 (a proxy timed out).
 * Everything else is permanent for the request as sent.
 */
final class BrokerErrors {
    /** Broker messages are short; a longer one is a proxy's HTML page and is cut. */
    private static final int MAX_MESSAGE = 300;
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

    private BrokerErrors() {
    }

    static BrokerException toException(BrokerResponse response, ErrorContext context, Instant now) {
        BrokerError error = parse(response);
        String details = details(error);
        return switch (response.status()) {
            case 401 -> new BrokerAuthenticationException("The broker rejected the bearer token from "
                    + context.tokenSource() + " " + details + ". Check that source: the token may be expired,"
                    + " revoked or mistyped, and a projected service-account token needs audience 'sts-broker'."
                    + said(error), error, context.tokenSource());
            case 403 -> forbidden(error, details, context);
            case 429, 503, 504 -> unavailable(response, error, now);
            case 502 -> new BrokerException("STS refused the broker's request to " + context.action() + " "
                    + details + ". This is fixed on the broker's side (its RAM identity, or the role's trust"
                    + " policy): quote the requestId to the broker's operators." + said(error), error);
            case 404 -> new BrokerException("The broker could not " + context.action() + " " + details
                    + ". Check that STS_BROKER_URL is the broker's base URL (without /v1)." + said(error), error);
            default -> new BrokerException("The broker refused to " + context.action() + " " + details + "."
                    + said(error), error);
        };
    }

    /** The broker's error body, or what can be said of a body that is not one (e.g. a proxy's page). */
    static BrokerError parse(BrokerResponse response) {
        Map<String, Object> json = Map.of();
        try {
            json = Json.parseObject(response.body());
        } catch (IllegalArgumentException notJson) {
            // Fall through: a proxy or the wrong server answered; status and headers still tell something.
        }
        // The code is echoed as the sidecar's "Code" and used in messages: an identifier or nothing.
        String code = text(json, "code").filter(c -> CODE.matcher(c).matches()).orElse("Http" + response.status());
        String message = text(json, "message").map(BrokerErrors::clean).orElse(null);
        String requestId = text(json, "requestId").or(() -> response.header("X-Request-Id"))
                .map(BrokerErrors::clean).orElse(null);
        String upstreamCode = text(json, "upstreamCode").map(BrokerErrors::clean).orElse(null);
        return new BrokerError(response.status(), clean(code), message, requestId, upstreamCode);
    }

    private static BrokerException forbidden(BrokerError error, String details, ErrorContext context) {
        Optional<String> identity = lookUp(context);
        String who = identity.orElse("the identity of the token from " + context.tokenSource());
        String message = context.role() == null
                ? "The broker does not allow " + who + " to " + context.action() + " " + details + "."
                : "Role '" + context.role() + "' is not granted to " + who + ", or does not exist " + details
                        + ". Ask the broker's operators to grant role '" + context.role() + "' to " + who + ".";
        return new BrokerAccessDeniedException(message + said(error), error, context.role(), identity.orElse(null));
    }

    private static BrokerUnavailableException unavailable(BrokerResponse response, BrokerError error, Instant now) {
        Duration retryAfter = RetryAfter.parse(response.header("Retry-After").orElse(null), now).orElse(null);
        String what = switch (response.status()) {
            case 429 -> "The broker is throttling this client";
            case 503 -> "The broker cannot get credentials from STS right now";
            default -> "The broker did not answer in time";
        };
        String wait = retryAfter == null ? "" : " It asked to retry after " + retryAfter.toSeconds() + "s.";
        return new BrokerUnavailableException(what + " " + details(error) + "." + wait + said(error),
                error, retryAfter, null);
    }

    private static Optional<String> lookUp(ErrorContext context) {
        try {
            return context.identity().get().filter(s -> !s.isBlank()).map(BrokerErrors::clean);
        } catch (RuntimeException e) {
            // Best effort only: the 403 must surface even if the status call fails too.
            return Optional.empty();
        }
    }

    private static String details(BrokerError error) {
        StringBuilder out = new StringBuilder("(HTTP ").append(error.httpStatus()).append(' ').append(error.code());
        if (error.upstreamCode() != null) {
            out.append(", upstreamCode=").append(error.upstreamCode());
        }
        if (error.requestId() != null) {
            out.append(", requestId=").append(error.requestId());
        }
        return out.append(')').toString();
    }

    private static String said(BrokerError error) {
        return error.message() == null ? "" : " Broker said: " + error.message();
    }

    private static Optional<String> text(Map<String, Object> json, String field) {
        return json.get(field) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /** Broker text is untrusted: bounded, one printable line, and never a bearer token or JWT. */
    private static String clean(String text) {
        return SafeText.of(text, MAX_MESSAGE);
    }
}
