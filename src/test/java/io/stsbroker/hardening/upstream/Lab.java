package io.stsbroker.hardening.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.restassured.response.Response;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared pieces of the upstream hardening tests. Every test uses callers of its own, so upstream
 * call counts stay exact although all tests share one application; faults are injected for the
 * {@code upstream-lab} role only.
 */
final class Lab {

    static final String ROLE = "upstream-lab";
    static final String ARN_PART = "role/upstream-lab";

    private Lab() {
    }

    /** A bearer JWT for {@code system:serviceaccount:upstream:<name>}, which may use {@link #ROLE}. */
    static String caller(String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:upstream:" + name));
    }

    /** A bearer JWT for {@code system:serviceaccount:rate:<name>} (roles {@link #ROLE} and {@code rate-lab}). */
    static String rateCaller(String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:rate:" + name));
    }

    /** The RoleSessionName the broker sends for {@link #caller(String)}: counts that caller's STS calls. */
    static String session(String name) {
        return SessionNames.of("system:serviceaccount:upstream:" + name);
    }

    /**
     * Waits until no credential fetch is in progress (retries and budget waits included), so a test
     * leaves no background call behind to be counted by the next one.
     */
    static void quiesce(MeterRegistry meters) throws InterruptedException {
        await(() -> meters.find("broker.upstream.fetches").gauge().value() == 0, "no credential fetch in progress");
    }

    static Response vend(String token) {
        return vend(token, ROLE);
    }

    static Response vend(String token, String role) {
        return given().header("Authorization", token).get("/v1/credentials/" + role);
    }

    static String keyId(Response r) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.path("accessKeyId");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
