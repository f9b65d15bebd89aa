package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stsbroker.request.Format;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm route answers exactly as the full path does, and only when the answer is a cached
 * credential for a caller already proven; everything else is left to the full path.
 *
 * <p>The first request of a caller always takes the full path (nothing is cached yet), so
 * comparing it with the second shows the two paths side by side.
 */
@QuarkusTest
class WarmCredentialsRouteTest {

    private static String caller(String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:warm:" + name));
    }

    private static double warmServed() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("broker_vend_warm_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Headers whose values do not differ between two answers by design (the request id does). */
    private static Map<String, String> stableHeaders(Response r) {
        Map<String, String> h = new TreeMap<>();
        r.headers().forEach(x -> h.put(x.getName().toLowerCase(), x.getValue()));
        assertThat(h).containsKey("x-request-id");
        h.remove("x-request-id");
        return h;
    }

    private static void warmAnswerIsTheFullPathsAnswer(String name, String query) {
        String token = caller(name);
        double before = warmServed();
        Response full = given().header("Authorization", token).get("/v1/credentials/warm-lab" + query);
        assertThat(warmServed()).as("a cold request takes the full path").isEqualTo(before);
        Response warm = given().header("Authorization", token).get("/v1/credentials/warm-lab" + query);
        assertThat(warmServed()).as("the repeated request was answered by the warm route").isEqualTo(before + 1);

        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(warm.statusCode()).isEqualTo(200);
        assertThat(warm.asByteArray()).isEqualTo(full.asByteArray());
        assertThat(stableHeaders(warm)).isEqualTo(stableHeaders(full))
                .containsEntry("cache-control", "no-store").containsEntry("pragma", "no-cache");
    }

    @Test
    void warmAnswerIsByteForByteTheFullPathsAnswer() {
        warmAnswerIsTheFullPathsAnswer("same-bytes", "");
    }

    @Test
    void warmAnswerInTheAlibabaUriFormatIsTheFullPathsAnswer() {
        warmAnswerIsTheFullPathsAnswer("same-bytes-uri", "?format=alibaba-uri");
    }

    @Test
    void warmAnswerEchoesTheCallersRequestId() {
        String token = caller("request-id");
        given().header("Authorization", token).get("/v1/credentials/warm-lab").then().statusCode(200);
        given().header("Authorization", token).header("X-Request-Id", "warm-route-1")
                .get("/v1/credentials/warm-lab").then().statusCode(200).header("X-Request-Id", "warm-route-1");
    }

    @Test
    void apiKeyCallersAreAnsweredByTheWarmRouteToo() {
        String key = TestKeys.bearer(TestKeys.REPORTING);
        given().header("Authorization", key).get("/v1/credentials/shared-grant").then().statusCode(200);
        double before = warmServed();
        given().header("Authorization", key).get("/v1/credentials/shared-grant").then().statusCode(200);
        assertThat(warmServed()).isEqualTo(before + 1);
    }

    /** Each variant of a warm request goes the full way and gets the full path's answer. */
    @Test
    void requestsTheRouteDoesNotRecogniseExactlyAreLeftToTheFullPath() {
        String token = caller("left-alone");
        given().header("Authorization", token).get("/v1/credentials/warm-lab").then().statusCode(200);
        Map<String, Function<RequestSpecification, Response>> variants = Map.of(
                "another query parameter (ignored by JAX-RS)", r -> r.get("/v1/credentials/warm-lab?x=1"),
                "an escaped role name (JAX-RS decodes it)", r -> r.urlEncodingEnabled(false).get("/v1/credentials/warm%2Dlab"),
                "an Accept header other than JSON", r -> r.header("Accept", "text/plain").get("/v1/credentials/warm-lab"),
                "a trailing slash (JAX-RS matches it)", r -> r.get("/v1/credentials/warm-lab/"),
                "an invalid format", r -> r.get("/v1/credentials/warm-lab?format=xml"),
                "a body on a GET", r -> r.body("{}").contentType("application/json").get("/v1/credentials/warm-lab"));
        Map<String, Integer> expected = Map.of(
                "another query parameter (ignored by JAX-RS)", 200,
                "an escaped role name (JAX-RS decodes it)", 200,
                "an Accept header other than JSON", 406,
                "a trailing slash (JAX-RS matches it)", 200,
                "an invalid format", 400,
                "a body on a GET", 200);
        variants.forEach((what, request) -> {
            double before = warmServed();
            Response r = request.apply(given().header("Authorization", token));
            assertThat(r.statusCode()).as(what).isEqualTo(expected.get(what));
            assertThat(warmServed()).as(what + ": not the warm route").isEqualTo(before);
        });
    }

    @Test
    void aRoleNotGrantedToAWarmCallerIsRefusedByTheFullPath() {
        String token = caller("not-granted");
        given().header("Authorization", token).get("/v1/credentials/warm-lab").then().statusCode(200);
        double before = warmServed();
        given().header("Authorization", token).get("/v1/credentials/search-writer").then().statusCode(403)
                .header("Content-Type", "application/json");
        assertThat(warmServed()).isEqualTo(before);
    }

    @Test
    void aTamperedCopyOfAWarmCallersTokenIsRefused() {
        String raw = TestTokens.rs256("system:serviceaccount:warm:tampered");
        given().header("Authorization", TestKeys.bearer(raw)).get("/v1/credentials/warm-lab").then().statusCode(200);
        String tampered = raw.substring(0, raw.length() - 2) + (raw.endsWith("A") ? "BB" : "AA");
        given().header("Authorization", TestKeys.bearer(tampered)).get("/v1/credentials/warm-lab").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
    }

    @Test
    void theRolesRateLimitAppliesOnTheWarmRouteWithTheSameThrottlingAnswer() {
        // rate-lab allows 2 requests per second per caller (a bucket of 2, refilled at 2/s); the
        // first request fills the cache, the other 19 are decided by the warm route.
        String token = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:rate:warm-burst"));
        int n = 20;
        int throttled = 0;
        double before = warmServed();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Response r = given().header("Authorization", token).get("/v1/credentials/rate-lab");
            if (r.statusCode() == 429) {
                throttled++;
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(r.<String>path("code")).isEqualTo("Throttling");
                assertThat(r.<String>path("requestId")).isEqualTo(r.header("X-Request-Id"));
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // Admitted: at most the bucket (2) plus what refilled meanwhile (2/s), plus one for timing.
        assertThat(n - throttled).as("admitted in %.2f s at 2/s", seconds).isLessThanOrEqualTo((int) (3 + 2 * seconds));
        assertThat(throttled).isPositive();
        assertThat(warmServed()).as("every request after the first was decided by the warm route").isEqualTo(before + n - 1);
    }

    @Test
    void anHttpPermissionPolicyIsNamedAsConflictingWithTheWarmRoute() {
        assertThat(WarmCredentialsRoute.firstHttpPermission(java.util.List.of("broker.roles.x.arn", "quarkus.http.port")))
                .isEmpty();
        assertThat(WarmCredentialsRoute.firstHttpPermission(java.util.List.of("quarkus.http.port",
                "quarkus.http.auth.permission.deny-creds.paths"))).contains("quarkus.http.auth.permission.deny-creds.paths");
    }

    @Test
    void roleNamesAreTakenOnlyFromPlainPaths() {
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/search-reader")).isEqualTo("search-reader");
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/a.b_c-9")).isEqualTo("a.b_c-9");
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/")).isNull();
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/..")).isNull();
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/a/b")).isNull();
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentials/a%20b")).isNull();
        assertThat(WarmCredentialsRoute.roleNameOf("/v1/credentialsx")).isNull();
        assertThat(WarmCredentialsRoute.formatOf(null)).isEqualTo(Format.BROKER);
        assertThat(WarmCredentialsRoute.formatOf("format=broker")).isEqualTo(Format.BROKER);
        assertThat(WarmCredentialsRoute.formatOf("format=alibaba-uri")).isEqualTo(Format.ALIBABA_URI);
        assertThat(WarmCredentialsRoute.formatOf("format=alibaba-uri&x=1")).isNull();
        assertThat(WarmCredentialsRoute.formatOf("Format=broker")).isNull();
    }
}
