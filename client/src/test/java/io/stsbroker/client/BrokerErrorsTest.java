package io.stsbroker.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Error bodies as the API contract specifies them, parsed into the typed exceptions. */
class BrokerErrorsTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final String SOURCE = "token file /var/run/secrets/sts-broker/token";

    private final AtomicInteger identityLookups = new AtomicInteger();
    private final ErrorContext context = new ErrorContext("fetch credentials for role 'search-reader'", "search-reader",
            SOURCE, () -> {
                identityLookups.incrementAndGet();
                return Optional.of("system:serviceaccount:search:indexer");
            });

    private static BrokerResponse response(int status, String body, String... headers) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], List.of(headers[i + 1]));
        }
        return new BrokerResponse(status, map, body);
    }

    private BrokerException error(BrokerResponse response) {
        return BrokerErrors.toException(response, context, NOW);
    }

    @Test
    void unauthorizedNamesTheTokenSourceNeverTheToken() {
        BrokerException e = error(response(401,
                "{\"code\":\"Unauthorized\",\"message\":\"token expired\",\"requestId\":\"req-401\"}",
                "WWW-Authenticate", "Bearer"));

        assertThat(e).isInstanceOf(BrokerAuthenticationException.class);
        assertThat(((BrokerAuthenticationException) e).tokenSource()).isEqualTo(SOURCE);
        assertThat(e.getMessage()).contains("token file /var/run/secrets/sts-broker/token", "HTTP 401 Unauthorized",
                "requestId=req-401", "audience 'sts-broker'", "token expired");
        assertThat(e.code()).isEqualTo("Unauthorized");
        assertThat(e.requestId()).contains("req-401");
        assertThat(e.retryable()).isFalse();
        assertThat(identityLookups).hasValue(0);
    }

    @Test
    void forbiddenSaysWhichIdentityToGrantTheRoleTo() {
        BrokerException e = error(response(403,
                "{\"code\":\"Forbidden\",\"message\":\"role not allowed\",\"requestId\":\"req-403\"}"));

        assertThat(e).isInstanceOf(BrokerAccessDeniedException.class);
        BrokerAccessDeniedException denied = (BrokerAccessDeniedException) e;
        assertThat(denied.role()).isEqualTo("search-reader");
        assertThat(denied.identity()).contains("system:serviceaccount:search:indexer");
        assertThat(e.getMessage()).contains("Ask the broker's operators to grant role 'search-reader' to"
                + " system:serviceaccount:search:indexer", "requestId=req-403");
    }

    @Test
    void forbiddenWhenTheIdentityCannotBeLearntPointsAtTheTokenSource() {
        ErrorContext noStatus = new ErrorContext("fetch credentials for role 'r'", "r", SOURCE, () -> {
            throw new BrokerUnavailableException("down", BrokerError.client(BrokerError.CLIENT_NETWORK, "down"), null, null);
        });

        BrokerException e = BrokerErrors.toException(response(403, "{\"code\":\"Forbidden\"}"), noStatus, NOW);

        assertThat(((BrokerAccessDeniedException) e).identity()).isEmpty();
        assertThat(e.getMessage()).contains("grant role 'r' to the identity of the token from " + SOURCE);
    }

    @Test
    void upstreamErrorCarriesStsCodeAndPointsAtTheBrokerSide() {
        BrokerException e = error(response(502, "{\"code\":\"UpstreamError\",\"message\":\"STS refused\","
                + "\"requestId\":\"req-502\",\"upstreamCode\":\"NoPermission\"}"));

        assertThat(e).isExactlyInstanceOf(BrokerException.class);
        assertThat(e.upstreamCode()).contains("NoPermission");
        assertThat(e.getMessage()).contains("upstreamCode=NoPermission", "broker's side", "requestId=req-502");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void throttlingIsRetryableWithTheBrokersRetryAfter() {
        BrokerException e = error(response(429, "{\"code\":\"Throttling\",\"message\":\"slow down\",\"requestId\":\"r\"}",
                "Retry-After", "2"));

        assertThat(e).isInstanceOf(BrokerUnavailableException.class);
        assertThat(((BrokerUnavailableException) e).retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("throttling", "retry after 2s");
    }

    @Test
    void upstreamUnavailableIsRetryable() {
        BrokerException e = error(response(503, "{\"code\":\"UpstreamUnavailable\",\"message\":\"STS timed out\"}",
                "retry-after", "5"));

        assertThat(e).isInstanceOf(BrokerUnavailableException.class);
        assertThat(((BrokerUnavailableException) e).retryAfter()).contains(Duration.ofSeconds(5));
    }

    @Test
    void badRequestIsPermanentAndQuotesTheBroker() {
        BrokerException e = error(response(400, "{\"code\":\"InvalidParameter\",\"message\":\"bad role name\",\"requestId\":\"q\"}"));

        assertThat(e).isExactlyInstanceOf(BrokerException.class);
        assertThat(e.code()).isEqualTo("InvalidParameter");
        assertThat(e.getMessage()).contains("bad role name");
    }

    @Test
    void nonJsonBodyStillYieldsStatusAndRequestIdFromTheHeader() {
        BrokerException e = error(response(404, "<html>nginx</html>", "X-Request-Id", "hdr-id"));

        assertThat(e.code()).isEqualTo("Http404");
        assertThat(e.requestId()).contains("hdr-id");
        assertThat(e.getMessage()).contains("STS_BROKER_URL").doesNotContain("nginx");
    }

    @Test
    void brokerMessagesAreFlattenedAndCut() {
        String longMessage = "line1\nline2 " + "x".repeat(500);
        BrokerException e = error(response(400, "{\"code\":\"InvalidParameter\",\"message\":" + io.stsbroker.client.internal.Json.quote(longMessage) + "}"));

        assertThat(e.error().message()).doesNotContain("\n").endsWith("...").hasSize(303);
    }
}
