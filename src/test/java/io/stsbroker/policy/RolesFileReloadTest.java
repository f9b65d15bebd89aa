package io.stsbroker.policy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The running broker with {@code broker.roles-file}: its roles serve from start-up next to
 * {@code broker.roles}; an edit applies to the very next request without a restart; a revoked
 * grant is refused even though the caller's credential is still cached (authorization runs before
 * every cache lookup); an invalid edit changes nothing. Reloads are driven with
 * {@link RolesFileWatcher#reloadNow()} (the poll interval is an hour here).
 */
@QuarkusTest
@TestProfile(RolesFileReloadTest.WithRolesFile.class)
class RolesFileReloadTest {

    static final String GRANTED = """
            roles:
              file-reader:
                arn: acs:ram::1234567890123456:role/file-reader
                allow:
                  - system:serviceaccount:roles-file:*
            """;
    static final String REVOKED = """
            roles:
              file-reader:
                arn: acs:ram::1234567890123456:role/file-reader
                allow:
                  - system:serviceaccount:roles-file:someone-else
            """;

    public static class WithRolesFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("sts-broker-roles", ".yaml");
                file.toFile().deleteOnExit();
                Files.writeString(file, GRANTED);
                return Map.of("broker.roles-file", file.toString(), "broker.roles-file-poll-interval", "1h");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String CALLER = "system:serviceaccount:roles-file:app";

    @ConfigProperty(name = "broker.roles-file")
    String rolesFile;

    @Inject
    RolesFileWatcher watcher;

    @Inject
    java.time.Clock clock;

    @Inject
    StsCounters sts;

    @AfterEach
    void restore() throws IOException {
        write(GRANTED);
        watcher.reloadNow();
    }

    private void write(String content) throws IOException {
        Files.writeString(Path.of(rolesFile), content);
    }

    private static Response vend(String identity, String role) {
        return given().header("Authorization", TestKeys.bearer(TestTokens.rs256(identity))).get("/v1/credentials/" + role);
    }

    @Test
    void revokedGrantIsRefusedOnTheNextRequestThoughItsCredentialIsStillCached() throws IOException {
        Response minted = vend(CALLER, "file-reader");
        minted.then().statusCode(200);
        String first = minted.path("accessKeyId");
        String session = minted.path("sessionName");
        long calls = sts.callCount(session);
        assertThat(vend(CALLER, "file-reader").<String>path("accessKeyId")).as("cached").isEqualTo(first);

        write(REVOKED);
        assertThat(watcher.reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        vend(CALLER, "file-reader").then().statusCode(403).body("code", equalTo("Forbidden"));
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256(CALLER))).get("/v1/roles").then()
                .statusCode(200).body("roles.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("file-reader")));

        // Granted again: the very same cached credential comes back without an STS call, so it was
        // authorization, not the cache, that refused the request above.
        write(GRANTED);
        assertThat(watcher.reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        assertThat(vend(CALLER, "file-reader").<String>path("accessKeyId")).isEqualTo(first);
        assertThat(sts.callCount(session)).as("STS calls for this caller").isEqualTo(calls);
    }

    @Test
    void fileRolesServeNextToConfiguredRolesAndNewOnesNeedNoRestart() throws IOException {
        vend(CALLER, "file-reader").then().statusCode(200).body("roleArn", equalTo("acs:ram::1234567890123456:role/file-reader"));
        given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING)).get("/v1/credentials/search-reader")
                .then().statusCode(200);
        vend(CALLER, "file-added").then().statusCode(403);

        write(GRANTED + """
                  file-added:
                    arn: acs:ram::1234567890123456:role/file-added
                    duration: 2h
                    allow: [system:serviceaccount:roles-file:app]
                """);
        assertThat(watcher.reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        vend(CALLER, "file-added").then().statusCode(200);
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256(CALLER))).get("/v1/roles").then()
                .statusCode(200).body("roles.name", org.hamcrest.Matchers.hasItems("file-added", "file-reader"))
                .body("roles.find { it.name == 'file-added' }.durationSeconds", equalTo(7200));
    }

    @Test
    void invalidEditsChangeNothing() throws IOException {
        for (String bad : List.of(
                REVOKED.replace("acs:ram::1234567890123456:role/file-reader", "arn:aws:iam::1:role/x"),
                REVOKED.replace("allow:", "alow:"),
                "",
                REVOKED + "  search-reader:\n    arn: acs:ram::1234567890123456:role/search-reader\n",
                "roles: [")) {
            write(bad);
            assertThat(watcher.reloadNow()).as(bad).isEqualTo(RolesFileWatcher.Outcome.REJECTED);
            vend(CALLER, "file-reader").then().statusCode(200);
        }
    }

    @Test
    void lastSuccessfulReadIsExportedInUnixSeconds() {
        assertThat(watcher.reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNCHANGED);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^broker_roles_file_last_success_timestamp_seconds (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("gauge broker_roles_file_last_success_timestamp_seconds exported").isTrue();
        // The broker's clock (the tests' MutableClock), read at that unchanged poll.
        assertThat((long) Double.parseDouble(m.group(1))).isEqualTo(clock.instant().getEpochSecond());
    }
}
