package io.stsbroker.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.stsbroker.auth.VerifiedTokens;
import io.stsbroker.testing.RawHttp;
import io.stsbroker.policy.RolesFileWatcher;
import io.stsbroker.sts.embedded.StsRecorder;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every guard of a credential request holds for a caller the broker already knows: its
 * credential is cached and its token was verified before (the same token is sent again), which
 * is exactly the request the warm route answers on its own. Each test first proves the caller is
 * warm (the repeat is answered by the warm route when it is on), then breaks one condition and
 * expects the full path's refusal, with the warm route on ({@link GuardParityWarmRouteOnTest})
 * and off ({@link GuardParityWarmRouteOffTest}).
 *
 * <p>Each test sends from its own loopback address, so the failed-authentication limit (5 per
 * minute here) of one test never throttles another.
 */
abstract class GuardParity {

    private static final String ROLE = "/v1/credentials/guard-lab";
    private static final String ADMIN_KEY = TestKeys.bearer("hardening-admin-key");

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "broker.roles-file")
    String rolesFile;

    @ConfigProperty(name = "broker.http.warm-route")
    boolean warmRoute;

    @Inject
    RolesFileWatcher watcher;

    @Inject
    MutableClock clock;

    @Inject
    VerifiedTokens verifiedTokens;

    @Inject
    StsRecorder sts;

    @AfterEach
    void restoreRoles() throws IOException {
        Files.writeString(Path.of(rolesFile), GuardProfile.GRANTED);
        assertThat(watcher.reloadNow()).isIn(RolesFileWatcher.Outcome.RELOADED, RolesFileWatcher.Outcome.UNCHANGED);
    }

    private void write(String roles) throws IOException {
        Files.writeString(Path.of(rolesFile), roles);
        assertThat(watcher.reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
    }

    private static InetAddress from(int n) throws IOException {
        return InetAddress.getByName("127.0.16." + n);
    }

    private static String token(String name) {
        return TestTokens.rs256("system:serviceaccount:guard:" + name);
    }

    private RawHttp.Reply get(InetAddress from, String path, String... authorizations) throws IOException {
        List<String[]> headers = new ArrayList<>();
        for (String a : authorizations) {
            headers.add(new String[] {"Authorization", a});
        }
        return new RawHttp(base.getHost(), base.getPort(), Duration.ofSeconds(20))
                .send(from, RawHttp.request("GET", path, headers, null));
    }

    private static double warmServed() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("broker_vend_warm_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String field(RawHttp.Reply r, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(r.text());
        assertThat(m.find()).as("%s in %s", name, r).isTrue();
        return m.group(1);
    }

    /** Mints, then repeats: the repeat is the cached credential, answered by the warm route when it is on. */
    private RawHttp.Reply warmUp(InetAddress from, String bearer) throws IOException {
        RawHttp.Reply first = get(from, ROLE, bearer);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        double before = warmServed();
        RawHttp.Reply again = get(from, ROLE, bearer);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(field(again, "accessKeyId")).as("cached").isEqualTo(field(first, "accessKeyId"));
        assertThat(warmServed()).as("the repeat was answered by the warm route iff it is on")
                .isEqualTo(before + (warmRoute ? 1 : 0));
        return first;
    }

    /** Sends and expects a refusal that the warm route did not answer. */
    private RawHttp.Reply refused(int status, String code, InetAddress from, String path, String... authorizations)
            throws IOException {
        double before = warmServed();
        RawHttp.Reply r = get(from, path, authorizations);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.text()).contains("\"code\":\"" + code + "\"").doesNotContain("accessKeyId");
        assertThat(warmServed()).as("not answered by the warm route").isEqualTo(before);
        return r;
    }

    @Test
    void aGrantRevokedInTheRolesFileIsRefusedThoughTheCallerIsWarm() throws IOException {
        InetAddress from = from(1);
        String bearer = TestKeys.bearer(token("revoked"));
        String keyId = field(warmUp(from, bearer), "accessKeyId");

        write(GuardProfile.REVOKED);
        refused(403, "Forbidden", from, ROLE, bearer);

        // Granted again, the very same cached credential comes back: authorization refused it, not the cache.
        write(GuardProfile.GRANTED);
        RawHttp.Reply back = get(from, ROLE, bearer);
        assertThat(back.status()).isEqualTo(200);
        assertThat(field(back, "accessKeyId")).isEqualTo(keyId);
    }

    @Test
    void aRoleRemovedFromTheCatalogueIsRefusedThoughTheCallerIsWarm() throws IOException {
        InetAddress from = from(2);
        String bearer = TestKeys.bearer(token("removed"));
        warmUp(from, bearer);

        write(GuardProfile.REMOVED);
        refused(403, "Forbidden", from, ROLE, bearer);
    }

    @Test
    void anAdminInvalidationIsHonouredForAWarmCaller() throws IOException {
        InetAddress from = from(3);
        String bearer = TestKeys.bearer(token("invalidated"));
        RawHttp.Reply first = warmUp(from, bearer);
        String session = field(first, "sessionName");
        assertThat(sts.issuedTo(session)).hasSize(1);

        given().header("Authorization", ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"caller\":\"system:serviceaccount:guard:invalidated\"}")
                .post("/v1/admin/invalidate").then().statusCode(200).body("invalidated", org.hamcrest.Matchers.equalTo(1));

        double before = warmServed();
        RawHttp.Reply after = get(from, ROLE, bearer);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(field(after, "accessKeyId")).as("a new credential").isNotEqualTo(field(first, "accessKeyId"));
        assertThat(warmServed()).as("nothing cached to answer warm").isEqualTo(before);
        assertThat(sts.issuedTo(session)).as("STS asked once more for this caller").hasSize(2);
    }

    @Test
    void twoAuthorizationHeadersAreRefusedThoughOneIsAWarmCallersToken() throws IOException {
        InetAddress from = from(4);
        String bearer = TestKeys.bearer(token("two-headers"));
        warmUp(from, bearer);

        refused(401, "Unauthorized", from, ROLE, bearer, bearer);
        refused(401, "Unauthorized", from, ROLE, bearer, TestKeys.bearer("not-a-key"));
        refused(401, "Unauthorized", from, ROLE, TestKeys.bearer(TestKeys.REPORTING), bearer);
    }

    @Test
    void aThrottledAddressIsRefusedThoughItsCallerIsWarm() throws IOException {
        InetAddress from = from(5);
        String bearer = TestKeys.bearer(token("throttled"));
        warmUp(from, bearer);

        for (int i = 1; i <= 5; i++) {
            assertThat(get(from, ROLE, TestKeys.bearer("guess-" + i)).status()).as("guess %d", i).isEqualTo(401);
        }
        RawHttp.Reply r = refused(429, "Throttling", from, ROLE, bearer);
        assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
        // The same caller from another address is not throttled.
        assertThat(get(from(6), ROLE, bearer).status()).isEqualTo(200);
    }

    @Test
    void aWarmCallersTokenPastItsExpIsNotAnsweredFromMemory() throws Exception {
        InetAddress from = from(7);
        // JWT expiry is wall-clock time, for SmallRye JWT and for the verified-token memory alike
        // (auth/TokenTimes): the one test here that waits, a few seconds, for a real exp to pass.
        Instant exp = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        String bearer = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:guard:expiring", b -> b.expiresAt(exp)));
        warmUp(from, bearer);

        while (!Instant.now().isAfter(exp.plusMillis(200))) {
            Thread.sleep(100);
        }
        long hits = verifiedTokens.hits();
        double before = warmServed();
        refused(401, "Unauthorized", from, ROLE, bearer);
        assertThat(verifiedTokens.hits()).as("not found among verified tokens").isEqualTo(hits);
        assertThat(warmServed()).as("not answered by the warm route").isEqualTo(before);
    }

    @Test
    void aTamperedTokenWithAWarmCallersSubjectIsRefused() throws IOException {
        InetAddress from = from(8);
        String raw = token("tampered");
        String bearer = TestKeys.bearer(raw);
        warmUp(from, bearer);

        String tampered = raw.substring(0, raw.length() - 2) + (raw.endsWith("A") ? "BB" : "AA");
        refused(401, "Unauthorized", from, ROLE, TestKeys.bearer(tampered));
        refused(401, "Unauthorized", from, ROLE, TestKeys.bearer(TestTokens.untrusted("system:serviceaccount:guard:tampered")));
        // A token the broker never verified, same subject, claims changed and signature kept.
        String[] parts = raw.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"sub\":\"system:serviceaccount:guard:tampered\"", "\"sub\":\"system:serviceaccount:guard:tampered\",\"x\":1");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        refused(401, "Unauthorized", from, ROLE, TestKeys.bearer(forged));
        // The genuine token still works.
        assertThat(get(from, ROLE, bearer).status()).isEqualTo(200);
    }
}
