package io.stsbroker.auth;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.RawHttp;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed authentication is limited per client address ({@code broker.auth.max-failures-per-minute},
 * 5 here): once an address has used up its failures, every token it sends, valid ones included,
 * gets 429 {@code Throttling} with {@code Retry-After} before it is hashed or verified, while other
 * addresses (127.0.0.2 here) and token-less requests are unaffected.
 */
@QuarkusTest
@TestProfile(AuthFailureThrottlingTest.FiveFailuresPerMinute.class)
class AuthFailureThrottlingTest {

    public static class FiveFailuresPerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.auth.max-failures-per-minute", "5");
        }
    }

    private static final String STATUS = "/api/v1/status";

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    private RawHttp.Reply get(InetAddress from, String path, String authorization) throws Exception {
        RawHttp http = new RawHttp(base.getHost(), base.getPort(), Duration.ofSeconds(10));
        List<String[]> headers = authorization == null ? List.of() : List.<String[]>of(new String[] {"Authorization", authorization});
        return http.send(from, RawHttp.request("GET", path, headers, null));
    }

    private static void assertThrottled(RawHttp.Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(429);
        assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.text()).contains("\"code\":\"Throttling\"").contains("\"requestId\":\"" + r.header("X-Request-Id") + "\"");
    }

    @Test
    void failuresFromOneAddressAreThrottledBeforeVerificationAndOthersAreNot() throws Exception {
        InetAddress local = InetAddress.getByName("127.0.0.1");
        InetAddress other = InetAddress.getByName("127.0.0.2");
        String validKey = TestKeys.bearer(TestKeys.REPORTING);
        String validJwt = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:throttled"));
        clock.advance(Duration.ofMinutes(2)); // whatever earlier classes in this profile did has refilled

        for (int i = 1; i <= 5; i++) {
            RawHttp.Reply r = get(local, STATUS, TestKeys.bearer("guess-" + i));
            assertThat(r.status()).as("failure %d: %s", i, r).isEqualTo(401);
        }
        RawHttp.Reply sixth = get(local, STATUS, TestKeys.bearer("guess-6"));
        assertThrottled(sixth);
        assertThat(sixth.header("Retry-After")).isEqualTo("12"); // 5 per minute: one every 12 s

        // Valid credentials cannot be told from guesses without hashing or verifying them: refused too.
        assertThrottled(get(local, STATUS, validKey));
        assertThrottled(get(local, STATUS, validJwt));
        assertThrottled(get(local, "/v1/credentials/search-reader", validKey));
        // Token-less requests cost nothing and are not throttled; public endpoints stay reachable.
        assertThat(get(local, STATUS, null).status()).isEqualTo(401);
        assertThat(get(local, "/q/health/live", null).status()).isEqualTo(200);
        // Another client address is unaffected.
        RawHttp.Reply fromOther = get(other, STATUS, validKey);
        assertThat(fromOther.status()).as(fromOther.toString()).isEqualTo(200);

        // One refill interval later, exactly one more attempt is allowed.
        clock.advance(Duration.ofSeconds(12));
        assertThat(get(local, STATUS, validKey).status()).isEqualTo(200);
        assertThat(get(local, STATUS, TestKeys.bearer("guess-7")).status()).isEqualTo(401);
        assertThrottled(get(local, STATUS, validKey));

        // A minute later the bucket is full again.
        clock.advance(Duration.ofMinutes(1));
        assertThat(get(local, STATUS, validJwt).status()).isEqualTo(200);

        String metrics = given().get("/q/metrics").asString();
        assertThat(counter(metrics, "Unauthorized")).isGreaterThanOrEqualTo(6);
        assertThat(counter(metrics, "Throttling")).isGreaterThanOrEqualTo(4);
        assertThat(metrics).containsPattern("broker_auth_failures_total\\{outcome=\"Throttling\",reason=\"throttled\"} [4-9]");
        System.out.printf("AuthFailureThrottlingTest: 5 failures/min; failures counted %d, requests throttled %d%n",
                (long) counter(metrics, "Unauthorized"), (long) counter(metrics, "Throttling"));
    }

    @Test
    void everyKindOfFailedTokenCountsAgainstTheAddress() throws Exception {
        InetAddress from = InetAddress.getByName("127.0.0.3");
        clock.advance(Duration.ofMinutes(2));
        List<String> bad = List.of(
                TestKeys.bearer("unknown-key"),
                TestKeys.bearer(TestTokens.untrusted("system:serviceaccount:search:x")),
                TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:x", b -> b.issuer("https://other.example"))),
                TestKeys.bearer("x".repeat(9000)),
                TestKeys.bearer("a$b.c.d"));
        for (String token : bad) {
            assertThat(get(from, STATUS, token).status()).isEqualTo(401);
        }
        assertThrottled(get(from, STATUS, TestKeys.bearer(TestKeys.REPORTING)));
    }

    private static double counter(String metrics, String outcome) {
        Matcher m = Pattern.compile("broker_auth_failures_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        double sum = 0; // one series per reason
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
