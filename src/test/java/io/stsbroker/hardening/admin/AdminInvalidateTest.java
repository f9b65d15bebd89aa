package io.stsbroker.hardening.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * {@code POST /v1/admin/invalidate}: identities in {@code broker.admin.allow} (here
 * {@code apikey:hardening-admin} and {@code system:serviceaccount:broker-admin:*}) drop cached
 * credentials by role, by caller, or both, and the next request mints a new one (a new AccessKeyId,
 * one more AssumeRole); everyone else gets 403 whatever the body; every use is audited.
 */
@QuarkusTest
class AdminInvalidateTest {

    private static final String ADMIN_KEY = TestKeys.bearer("hardening-admin-key");
    private static final String ADMIN_JWT = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:broker-admin:ops"));
    private static final String INVALIDATE = "/v1/admin/invalidate";

    @Inject
    StsCounters sts;

    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final Handler auditCapture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            audit.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureAudit() {
        Logger.getLogger("broker.audit").addHandler(auditCapture);
    }

    @AfterEach
    void releaseAudit() {
        Logger.getLogger("broker.audit").removeHandler(auditCapture);
    }

    private static String caller(String name) {
        return "system:serviceaccount:admin-lab:" + name;
    }

    /** Session name per identity, so STS calls are counted per caller, never across the application. */
    private final java.util.Map<String, String> sessions = new java.util.concurrent.ConcurrentHashMap<>();

    private String keyId(String identity, String role) {
        Response r = given().header("Authorization", TestKeys.bearer(TestTokens.rs256(identity)))
                .get("/v1/credentials/" + role);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        sessions.put(identity, r.path("sessionName"));
        return r.path("accessKeyId");
    }

    /** STS calls made so far for these callers (by name under admin-lab), whatever other tests do meanwhile. */
    private long calls(String... names) {
        long n = 0;
        for (String name : names) {
            n += sts.callCount(sessions.get(caller(name)));
        }
        return n;
    }

    private static Response invalidate(String authorization, String body) {
        return given().header("Authorization", authorization).contentType(ContentType.JSON).body(body).post(INVALIDATE);
    }

    private static long invalidated(String authorization, String body) {
        Response r = invalidate(authorization, body);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.getBody().jsonPath().getMap("").keySet()).containsExactly("invalidated");
        return ((Number) r.path("invalidated")).longValue();
    }

    @Test
    void invalidatingARoleMakesItsNextRequestsMintNewCredentials() {
        invalidated(ADMIN_KEY, "{\"role\":\"admin-lab\"}"); // whatever other tests of this class left
        String a1 = keyId(caller("role-a"), "admin-lab");
        String b1 = keyId(caller("role-b"), "admin-lab");
        String other1 = keyId(caller("role-a"), "admin-lab-other");
        assertThat(keyId(caller("role-a"), "admin-lab")).as("cached").isEqualTo(a1);

        assertThat(invalidated(ADMIN_KEY, "{\"role\":\"admin-lab\"}")).isEqualTo(2);

        long before = calls("role-a", "role-b");
        String a2 = keyId(caller("role-a"), "admin-lab");
        String b2 = keyId(caller("role-b"), "admin-lab");
        assertThat(calls("role-a", "role-b") - before).isEqualTo(2);
        assertThat(a2).isNotEqualTo(a1);
        assertThat(b2).isNotEqualTo(b1);
        // The same caller's credential for another role was not touched.
        assertThat(keyId(caller("role-a"), "admin-lab-other")).isEqualTo(other1);
        assertThat(calls("role-a", "role-b") - before).isEqualTo(2);
    }

    @Test
    void invalidatingACallerDropsOnlyThatCallersCredentials() {
        String c1 = keyId(caller("caller-c"), "admin-lab");
        String cOther1 = keyId(caller("caller-c"), "admin-lab-other");
        String d1 = keyId(caller("caller-d"), "admin-lab");

        assertThat(invalidated(ADMIN_JWT, "{\"caller\":\"" + caller("caller-c") + "\"}")).isEqualTo(2);

        long before = calls("caller-c", "caller-d");
        assertThat(keyId(caller("caller-c"), "admin-lab")).isNotEqualTo(c1);
        assertThat(keyId(caller("caller-c"), "admin-lab-other")).isNotEqualTo(cOther1);
        assertThat(keyId(caller("caller-d"), "admin-lab")).isEqualTo(d1);
        assertThat(calls("caller-c", "caller-d") - before).isEqualTo(2);
    }

    @Test
    void roleAndCallerTogetherDropThatCallersCredentialForThatRoleOnly() {
        String e1 = keyId(caller("caller-e"), "admin-lab");
        String eOther1 = keyId(caller("caller-e"), "admin-lab-other");
        String f1 = keyId(caller("caller-f"), "admin-lab");

        assertThat(invalidated(ADMIN_KEY, "{\"role\":\"admin-lab\",\"caller\":\"" + caller("caller-e") + "\"}")).isEqualTo(1);

        long before = calls("caller-e", "caller-f");
        assertThat(keyId(caller("caller-e"), "admin-lab")).isNotEqualTo(e1);
        assertThat(calls("caller-e", "caller-f") - before).isEqualTo(1);
        assertThat(keyId(caller("caller-e"), "admin-lab-other")).isEqualTo(eOther1);
        assertThat(keyId(caller("caller-f"), "admin-lab")).isEqualTo(f1);
        assertThat(calls("caller-e", "caller-f") - before).isEqualTo(1);
        assertThat(audit).anySatisfy(line -> assertThat(line)
                .contains("\"event\":\"invalidate\"", "\"outcome\":\"Success\"", "\"caller\":\"apikey:hardening-admin\"",
                        "\"target\":\"" + caller("caller-e") + "\"", "\"role\":\"admin-lab\"", "\"reason\":\"invalidated=1\""));
    }

    @Test
    void unknownRoleOrCallerInvalidatesNothing() {
        assertThat(invalidated(ADMIN_KEY, "{\"role\":\"no-such-role\"}")).isZero();
        assertThat(invalidated(ADMIN_KEY, "{\"caller\":\"system:serviceaccount:nowhere:nobody\"}")).isZero();
        assertThat(invalidated(ADMIN_KEY, "{\"role\":\"no-such-role\",\"caller\":\"" + caller("x") + "\"}")).isZero();
    }

    @Test
    void everyoneElseIsForbiddenWhateverTheBody() {
        List<String> notAdmins = List.of(
                TestKeys.bearer(TestKeys.REPORTING),
                TestKeys.bearer(TestTokens.rs256(caller("role-a"))),
                TestKeys.bearer(TestTokens.rs256("system:serviceaccount:broker-admin2:ops")),
                TestKeys.bearer(TestTokens.rs256("system:serviceaccount:broker-admin:ops:extra")));
        for (String who : notAdmins) {
            for (String body : List.of("{\"role\":\"admin-lab\"}", "not json", "{}", "[]")) {
                invalidate(who, body).then().statusCode(403).contentType(ContentType.JSON)
                        .body("code", equalTo("Forbidden")).body("requestId", notNullValue());
            }
        }
        given().contentType(ContentType.JSON).body("{\"role\":\"admin-lab\"}").post(INVALIDATE).then()
                .statusCode(401).body("code", equalTo("Unauthorized"));
        assertThat(audit).anySatisfy(line -> assertThat(line)
                .contains("\"event\":\"invalidate\"", "\"outcome\":\"Forbidden\"", "\"caller\":\"apikey:reporting\""));
    }

    @Test
    void badBodiesFromAnAdminAreInvalidParameter() {
        List<String> bad = List.of("", "not json", "[]", "\"admin-lab\"", "null", "{}", "{\"role\":1}", "{\"role\":\"\"}",
                "{\"role\":null}", "{\"caller\":[\"x\"]}", "{\"x\":1}", "{\"role\":\"admin-lab\",\"x\":1}",
                "{\"caller\":\"" + "c".repeat(513) + "\"}", "{\"role\":\"" + "r".repeat(129) + "\"}", "{\"role\":");
        for (String body : bad) {
            invalidate(ADMIN_KEY, body).then().statusCode(400).contentType(ContentType.JSON)
                    .body("code", equalTo("InvalidParameter"));
        }
        given().header("Authorization", ADMIN_KEY).contentType(ContentType.JSON)
                .body(new byte[] {'{', '"', 'r', 'o', 'l', 'e', '"', ':', '"', (byte) 0xc3, '(', '"', '}'})
                .post(INVALIDATE).then().statusCode(400).body("code", equalTo("InvalidParameter"));
        given().header("Authorization", ADMIN_KEY).contentType(ContentType.TEXT).body("role=admin-lab")
                .post(INVALIDATE).then().statusCode(415).body("code", equalTo("UnsupportedMediaType"));
        given().header("Authorization", ADMIN_KEY).get(INVALIDATE).then()
                .statusCode(405).body("code", equalTo("MethodNotAllowed"));
    }
}
