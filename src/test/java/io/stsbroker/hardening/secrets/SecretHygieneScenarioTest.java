package io.stsbroker.hardening.secrets;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full scenario with the broker's loggers at DEBUG (vends in both formats, cached hand-outs,
 * background refreshes on a moved clock, STS failures and evictions, hostile bodies and role names
 * carrying secrets, bad tokens of every kind, an admin invalidation), after which no secret may
 * appear anywhere it could leak: not whole and not as a recognisable 12-character prefix, in any
 * log line (captured twice: a {@code java.util.logging} handler on the root logger during the
 * scenario, and the log file, which also holds start-up), any exception attached to a log record,
 * any error body, or {@code /q/metrics}.
 *
 * <p>Secrets checked: every AccessKeySecret and SecurityToken handed out, every API key and JWT
 * presented (valid or not), the embedded STS's own AccessKeySecret and token key, and every
 * configured API-key digest.
 */
@QuarkusTest
@TestProfile(SecretHygieneScenarioTest.DebugLogging.class)
class SecretHygieneScenarioTest {

    static final String HYGIENE_KEY = "hyg-8f2c1e7d9a4b6c3e5f0a";
    static final String STS_SECRET = "EmbeddedSecretZq81Lx0pWv3Tn6Yb";
    static final String STS_TOKEN_KEY = "embedded-token-key-R4s7Kd2Hw9Jp";

    public static class DebugLogging implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path log = Files.createTempDirectory("sts-broker-hygiene").resolve("broker.log");
                Map<String, String> c = new LinkedHashMap<>();
                c.put("quarkus.log.category.\"io.stsbroker\".level", "DEBUG");
                c.put("quarkus.log.category.\"broker.audit\".level", "DEBUG");
                c.put("quarkus.log.file.enabled", "true");
                c.put("quarkus.log.file.path", log.toString());
                c.put("quarkus.log.file.level", "ALL");
                c.put("broker.audit.hand-outs", "true");
                c.put("broker.embedded-sts.access-key-id", "LTAIhygieneTestKeyId01");
                c.put("broker.embedded-sts.access-key-secret", STS_SECRET);
                c.put("broker.embedded-sts.token-key", STS_TOKEN_KEY);
                c.put("broker.sts.retry-backoff", "10ms");
                c.put("broker.api-keys.hygiene", sha256Hex(HYGIENE_KEY));
                c.put("broker.roles.hygiene-lab.arn", "acs:ram::1234567890123456:role/hygiene-lab");
                c.put("broker.roles.hygiene-lab.allow", "system:serviceaccount:hygiene:*,apikey:hygiene");
                c.put("broker.roles.hygiene-fail.arn", "acs:ram::1234567890123456:role/hygiene-fail");
                c.put("broker.roles.hygiene-fail.allow", "system:serviceaccount:hygiene:*,apikey:hygiene");
                return c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    MutableClock clock;

    @Inject
    StsCounters sts;

    @Inject
    EmbeddedStsFaults faults;

    @ConfigProperty(name = "quarkus.log.file.path")
    String logFile;

    /** Every secret, by what it is. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<String> errorBodies = new ArrayList<>();
    private final List<String> captured = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringBuilder sb = new StringBuilder(r.getLoggerName()).append(' ')
                    .append(r instanceof ExtLogRecord e ? e.getFormattedMessage() : r.getMessage());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    sb.append(" | ").append(p);
                }
            }
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append('\n').append(w);
            }
            captured.add(sb.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void install() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void uninstall() {
        Logger.getLogger("").removeHandler(capture);
        faults.clear();
    }

    private String secret(String what, String value) {
        secrets.put(what + " #" + secrets.size(), value);
        return value;
    }

    private Response call(String authorization, String path) {
        Response r = given().header("Authorization", authorization).get(path);
        keep(r);
        return r;
    }

    private void keep(Response r) {
        if (r.statusCode() == 200 && r.asString().contains("ccessKeySecret")) {
            secret("AccessKeySecret", r.path(r.asString().contains("\"AccessKeySecret\"") ? "AccessKeySecret" : "accessKeySecret"));
            secret("SecurityToken", r.path(r.asString().contains("\"SecurityToken\"") ? "SecurityToken" : "securityToken"));
        } else if (r.statusCode() >= 400) {
            errorBodies.add(r.statusCode() + " " + r.asString());
        }
    }

    private String jwt(String sub) {
        return secret("JWT", TestTokens.rs256(sub));
    }

    private void awaitCalls(long atLeast) {
        org.awaitility.Awaitility.await(atLeast + " STS calls").atMost(Duration.ofSeconds(10))
                .until(() -> sts.callCount() >= atLeast);
    }

    @Test
    void noSecretReachesLogsMetricsOrErrorBodies() throws Exception {
        secret("embedded STS AccessKeySecret", STS_SECRET);
        secret("embedded STS token key", STS_TOKEN_KEY);
        for (String key : List.of(HYGIENE_KEY, TestKeys.REPORTING, TestKeys.OPS, TestKeys.NOBODY, TestKeys.ROTATED_OLD,
                TestKeys.ROTATED_NEW, "hardening-iso-key-one", "hardening-iso-key-two", "test.key.dotted")) {
            secret("API key", key);
            secret("API-key digest", sha256Hex(key));
        }
        String key = TestKeys.bearer(HYGIENE_KEY);
        String alice = TestKeys.bearer(jwt("system:serviceaccount:hygiene:alice"));
        String bob = TestKeys.bearer(jwt("system:serviceaccount:hygiene:bob"));

        // Vends, both formats and POST, then cached hand-outs (audited with hand-outs=true).
        call(key, "/v1/credentials/hygiene-lab").then().statusCode(200);
        call(key, "/v1/credentials/hygiene-lab?format=alibaba-uri").then().statusCode(200);
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        call(bob, "/v1/credentials/hygiene-lab").then().statusCode(200);
        Response posted = given().header("Authorization", key).contentType(ContentType.JSON)
                .body("{\"role\":\"hygiene-lab\",\"durationSeconds\":2400}").post("/v1/credentials");
        keep(posted);
        assertThat(posted.statusCode()).isEqualTo(200);
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        call(alice, "/api/v1/status").then().statusCode(200);
        call(alice, "/v1/roles").then().statusCode(200);

        // Background refresh: 33 minutes on, inside refresh-ahead; then the refreshed credential.
        long before = sts.callCount();
        clock.advance(Duration.ofMinutes(33));
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        awaitCalls(before + 1);
        Thread.sleep(200);
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);

        // STS failing: transient (503), refused (502), a refresh that fails and one that evicts.
        faults.failWith("InternalError", 500, "role/hygiene-fail");
        call(alice, "/v1/credentials/hygiene-fail").then().statusCode(503);
        faults.failWith("NoPermission", 403, "role/hygiene-fail");
        call(alice, "/v1/credentials/hygiene-fail").then().statusCode(502);
        // Alice's refreshed credential, 33 minutes later again: its refresh is throttled (kept), then refused (evicted).
        faults.failWith("Throttling.User", 400, "role/hygiene-lab");
        before = sts.callCount();
        clock.advance(Duration.ofMinutes(33));
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        awaitCalls(before + 1);
        Thread.sleep(200);
        faults.failWith("NoPermission", 403, "role/hygiene-lab");
        before = sts.callCount();
        clock.advance(Duration.ofMinutes(2));
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        awaitCalls(before + 1);
        Thread.sleep(200);
        call(bob, "/v1/credentials/hygiene-lab").then().statusCode(502); // expired, and STS refuses a new one
        faults.clear();
        // The refusal is remembered for broker.cache.failure-ttl (10s): let it lapse.
        clock.advance(Duration.ofSeconds(11));
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);
        call(key, "/v1/credentials/hygiene-lab").then().statusCode(200);

        // Secrets sent where they do not belong: as a role name, in a policy, as a field name, as a token.
        String leaked = secrets.entrySet().stream().filter(e -> e.getKey().startsWith("AccessKeySecret")).findFirst()
                .orElseThrow().getValue();
        String token = secrets.entrySet().stream().filter(e -> e.getKey().startsWith("SecurityToken")).findFirst()
                .orElseThrow().getValue();
        call(key, "/v1/credentials/" + leaked).then().statusCode(403);
        call(key, "/v1/credentials/" + HYGIENE_KEY).then().statusCode(403);
        for (String body : List.of(
                "{\"role\":\"hygiene-lab\",\"policy\":\"" + leaked + "\"}",
                "{\"role\":\"hygiene-lab\",\"" + leaked + "\":1}",
                "{\"role\":\"hygiene-lab\",\"durationSeconds\":\"" + token.substring(0, 200) + "\"}",
                "{\"role\":\"" + leaked + "\"}",
                "{\"role\":\"hygiene-lab\",\"policy\":\"" + HYGIENE_KEY + "\"",
                leaked)) {
            Response r = given().header("Authorization", key).contentType(ContentType.JSON).body(body).post("/v1/credentials");
            keep(r);
            assertThat(r.statusCode()).isBetween(400, 499);
        }
        for (String bad : List.of(
                TestKeys.bearer(leaked),
                TestKeys.bearer(token),
                TestKeys.bearer(secret("API key (wrong)", HYGIENE_KEY + "x")),
                TestKeys.bearer(secret("API key (wrong)", "hyg-0000000000000000000")),
                TestKeys.bearer(secret("JWT (untrusted)", TestTokens.untrusted("system:serviceaccount:hygiene:mallory"))),
                TestKeys.bearer(secret("JWT (expired)", TestTokens.rs256("system:serviceaccount:hygiene:alice",
                        b -> b.expiresAt(java.time.Instant.now().minusSeconds(3600))))),
                TestKeys.bearer(secret("JWT (wrong audience)", TestTokens.rs256("system:serviceaccount:hygiene:alice",
                        b -> b.audience("other")))),
                TestKeys.bearer(secret("JWT (tampered)", tamper(jwt("system:serviceaccount:hygiene:alice")))))) {
            call(bad, "/v1/credentials/hygiene-lab").then().statusCode(401);
        }

        // An admin invalidation (audited) and the next mint.
        String admin = TestKeys.bearer(jwt("system:serviceaccount:broker-admin:ops"));
        Response inv = given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"caller\":\"system:serviceaccount:hygiene:alice\"}").post("/v1/admin/invalidate");
        assertThat(inv.statusCode()).isEqualTo(200);
        call(alice, "/v1/credentials/hygiene-lab").then().statusCode(200);

        String metrics = given().get("/q/metrics").asString();
        String file = Files.readString(Path.of(logFile), StandardCharsets.UTF_8);

        // The capture worked and covered what it should: start-up, DEBUG lines, audit lines, failures.
        assertThat(file).contains("Role catalogue loaded").contains("Embedded STS listening");
        String all = String.join("\n", captured);
        assertThat(all).contains("\"event\":\"mint\"").contains("\"event\":\"handout\"").contains("\"event\":\"evict\"")
                .contains("\"event\":\"invalidate\"").contains("Denied role").contains("failed");
        assertThat(metrics).contains("broker_vend_requests_total");
        int handedOut = (int) secrets.keySet().stream().filter(k -> k.startsWith("AccessKeySecret")).count();
        assertThat(handedOut).isGreaterThanOrEqualTo(8);

        Map<String, String> haystacks = Map.of("log records", all, "log file", file, "metrics", metrics,
                "error bodies", String.join("\n", errorBodies));
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            for (String needle : needles(s.getValue())) {
                haystacks.forEach((where, text) -> {
                    int at = text.indexOf(needle);
                    if (at >= 0) {
                        found.add(s.getKey() + " (" + needle + ") in " + where + ": ..."
                                + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + 40)) + "...");
                    }
                });
            }
        }
        System.out.printf("SecretHygieneScenarioTest: %d secrets (%d credentials handed out) checked in %d log records, "
                        + "%d bytes of log file, %d bytes of metrics, %d error bodies%n",
                secrets.size(), handedOut, captured.size(), file.length(), metrics.length(), errorBodies.size());
        assertThat(found).as("secrets found").isEmpty();
    }

    /** The whole value, its first 12 characters, and for a JWT the first 12 of its signature too. */
    private static Set<String> needles(String secret) {
        Set<String> n = new java.util.LinkedHashSet<>();
        n.add(secret);
        if (secret.length() > 12) {
            n.add(secret.substring(0, 12));
        }
        String[] parts = secret.split("\\.");
        if (parts.length == 3 && parts[2].length() > 12) {
            n.add(parts[2].substring(0, 12));
        }
        return n;
    }

    private static String tamper(String jwt) {
        String[] p = jwt.split("\\.");
        return p[0] + "." + p[1] + "." + (p[2].charAt(0) == 'A' ? 'B' : 'A') + p[2].substring(1);
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
