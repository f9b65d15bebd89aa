package io.stsbroker.audit;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Strings a caller or an admin controls cannot forge or break a log line: each field below carries
 * a line feed, a carriage return, U+2028, U+2029, an ANSI colour escape and a whole fake audit line,
 * and the log file written by a real file handler (the production line format, DEBUG for the
 * broker's own categories) afterwards has no raw control or separator character, no line that
 * starts with the forged line's timestamp, and every line carrying a marker starts as a real line
 * does. Unknown role names appear only as fingerprints. Runs with {@code broker.http.warm-route}
 * on, and off in {@link LogForgingWarmRouteOffTest}.
 */
@QuarkusTest
@TestProfile(LogForgingTest.FileLog.class)
class LogForgingTest {

    public static class FileLog implements QuarkusTestProfile {
        protected boolean warmRoute() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("sts-broker-log-forging", ".log");
                file.toFile().deleteOnExit();
                return Map.of(
                        "quarkus.log.file.enabled", "true",
                        "quarkus.log.file.path", file.toString(),
                        "quarkus.log.file.level", "DEBUG",
                        "quarkus.log.file.format", "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %-5p [%c{2.}] (%t) %s%e%n",
                        "quarkus.log.category.\"io.stsbroker\".level", "DEBUG",
                        "broker.audit.hand-outs", "true",
                        "broker.http.warm-route", Boolean.toString(warmRoute()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A whole forged line, dated so that it cannot be mistaken for one written today. */
    private static final String FORGED_LINE = "1999-01-01T00:00:00.000+0000 INFO  [br.audit] (main) {\"caller\":\"FORGED\"}";
    private static final Pattern REAL_LINE = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) .*");

    /**
     * {@code marker}, a line feed and a forged line, then a carriage return, U+2028, U+2029, an ANSI
     * colour escape, NEL and a right-to-left override (at most 128 characters, the admin role limit).
     */
    static String hostile(String marker) {
        return marker + "\n" + FORGED_LINE + "\r\u2028\u2029\u001b[31mRED\u001b[0m\u0085\u202e";
    }

    /** The same without ':' and '/', for an identity a grant pattern ({@code cache:*}) still matches. */
    static String hostileName(String marker) {
        return marker + "\n1999-01-01T00.00.00.000+0000 INFO  [br.audit] FORGED\r\u2028\u2029\u001b[31mRED\u001b[0m";
    }

    @ConfigProperty(name = "quarkus.log.file.path")
    String logFile;

    private static final String ADMIN = TestKeys.bearer("hardening-admin-key");
    private static final String REPORTING = TestKeys.bearer(TestKeys.REPORTING);

    @Test
    void callerAndAdminControlledFieldsNeverForgeOrBreakALogLine() throws Exception {
        String unknownAdminRole = hostile("admin-role-");
        String unknownPathRole = hostile("path-role-");
        String unknownBodyRole = hostile("body-role-");

        // Admin body fields: a caller pattern and an unknown role, then a caller pattern with a known role.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("caller", hostile("apikey:admin-caller-"), "role", unknownAdminRole))
                .post("/v1/admin/invalidate").then().statusCode(200);
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("caller", hostile("admin-caller-known-role-"), "role", "search-reader"))
                .post("/v1/admin/invalidate").then().statusCode(200);

        // JWT sub: refused (':' in it, so the cache:* grant does not match), and granted (minted, then handed out).
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256("system:serviceaccount:cache:" + hostile("sub-denied-"))))
                .get("/v1/credentials/cache-lab").then().statusCode(403);
        String granted = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:cache:" + hostileName("sub-granted-")));
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", granted).get("/v1/credentials/cache-lab").then().statusCode(200);
        }

        // Role names from the path and from the body, unknown to the catalogue.
        given().header("Authorization", REPORTING).urlEncodingEnabled(false)
                .get("/v1/credentials/" + URLEncoder.encode(unknownPathRole, StandardCharsets.UTF_8).replace("+", "%20"))
                .then().statusCode(403);
        given().header("Authorization", REPORTING).contentType("application/json")
                .body(Map.of("role", unknownBodyRole)).post("/v1/credentials").then().statusCode(403);

        // Headers: a request id and a bearer token with an escape in them (refused or replaced, never logged raw).
        Response r = given().header("Authorization", REPORTING).header("X-Request-Id", "req-\u001b[31m-id")
                .get("/v1/credentials/search-reader");
        r.then().statusCode(200);
        assertThat(r.header("X-Request-Id")).doesNotContain("\u001b");
        given().header("Authorization", "Bearer x\u001b[31m.y\u0085.z").get("/v1/credentials/search-reader")
                .then().statusCode(401);

        String log = Files.readString(Path.of(logFile), StandardCharsets.UTF_8);
        List<String> lines = log.lines().toList();

        for (int i = 0; i < log.length(); i++) {
            char c = log.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                fail(String.format("raw U+%04X in the log file at %d: ...%s...", (int) c, i,
                        LogText.escape(log.substring(Math.max(0, i - 80), Math.min(log.length(), i + 40)))));
            }
        }
        for (String line : lines) {
            assertThat(line).as("a line starting with the forged line's timestamp").doesNotStartWith("1999-01-01");
            if (line.contains("FORGED") || line.contains("admin-caller-") || line.contains("sub-denied-")
                    || line.contains("sub-granted-")) {
                assertThat(line).as("a line carrying hostile input starts as a real log line").matches(REAL_LINE);
            }
        }

        // Every field above was logged, escaped or fingerprinted: the checks above had something to check.
        assertThat(log).contains("apikey:admin-caller-\\n1999-01-01", "apikey:admin-caller-\\u000A1999-01-01",
                "admin-caller-known-role-\\u000A1999", "sub-denied-\\n1999", "sub-granted-\\n1999",
                AccessPolicy.fingerprint(unknownAdminRole), AccessPolicy.fingerprint(unknownPathRole),
                AccessPolicy.fingerprint(unknownBodyRole), "\\u2028", "\\u001B[31m");
        assertThat(log).doesNotContain("admin-role-", "path-role-", "body-role-");
    }
}
