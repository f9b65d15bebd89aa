package io.stsbroker.e2e;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.client.BrokerException;
import io.stsbroker.client.CredentialsRequest;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Verdict;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.stsbroker.e2e.E2e.jwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The command line for people and hosts outside Kubernetes ({@code exec}, {@code process}) as the
 * packaged jar run as a process, and the client library's {@code POST /v1/credentials}, against the
 * real broker and its embedded STS. {@link CommandLineWarmRouteOffEndToEndTest} reruns them with
 * the warm route off.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class CommandLineEndToEndTest {

    /** Built by {@code ./mvnw -f client/pom.xml install}, the README's first step. */
    private static final Path CLI_JAR = Path.of("client/target/sts-broker-client-sidecar.jar");
    private static final String POLICY = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"opensearch:Search*\",\"Resource\":\"*\"}]}";

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    @Inject
    EmbeddedStsKeys stsKeys;

    /** The caller name, distinct per test class so that the two profiles' runs never share a cache entry. */
    String caller(String name) {
        return "system:serviceaccount:search:e2e-cli-" + name + "-" + getClass().getSimpleName().length();
    }

    private Verdict verdict(String securityToken, String accessKeyId) {
        return EmbeddedSecurityToken.verify(securityToken, accessKeyId, clock.instant(), stsKeys.tokenKey());
    }

    @Test
    void clientLibraryPostsADurationAndASessionPolicyAndGetsThatSession() {
        String sub = caller("post");
        Instant before = clock.instant();
        TemporaryCredentials plain = E2e.client(base, jwt(sub), clock).fetch("search-reader");
        TemporaryCredentials scoped = E2e.client(base, jwt(sub), clock).fetch(CredentialsRequest.of("search-reader")
                .withDuration(Duration.ofMinutes(40)).withPolicy(POLICY));

        assertThat(scoped.accessKeyId()).isNotEqualTo(plain.accessKeyId());
        assertThat(scoped.expiration()).is(issuedFor(before, Duration.ofMinutes(40)));
        assertThat(plain.expiration()).is(issuedFor(before, Duration.ofHours(1)));
        assertThat(scoped.sessionName()).isEqualTo(SessionNames.of(sub));
        assertThat(verdict(scoped.securityToken(), scoped.accessKeyId())).isEqualTo(Verdict.VALID);
    }

    @Test
    void clientLibraryPostBeyondTheRolesDurationIsRefusedWithTheBrokersCode() {
        assertThatThrownBy(() -> E2e.client(base, jwt(caller("post-long")), clock)
                .fetch(CredentialsRequest.of("search-reader").withDuration(Duration.ofHours(2))))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("InvalidParameter");
                });
    }

    @Test
    void packagedProcessCommandPrintsTheAliyunCliExternalJsonOfAValidCredential() throws Exception {
        Instant before = clock.instant();
        Run run = cli(Map.of("STS_BROKER_TOKEN", jwt(caller("process"))), "process", "--role", "search-reader");

        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, Object> json = io.stsbroker.client.internal.Json.parseObject(run.stdout().strip());
        assertThat(json).containsOnlyKeys("mode", "access_key_id", "access_key_secret", "sts_token", "expiration")
                .containsEntry("mode", "StsToken");
        assertThat(verdict((String) json.get("sts_token"), (String) json.get("access_key_id"))).isEqualTo(Verdict.VALID);
        assertThat(Instant.parse((String) json.get("expiration"))).is(issuedFor(before, Duration.ofHours(1)));
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void packagedExecGivesTheCommandAValidCredentialOfTheAskedDurationAndPassesItsStatusThrough(@TempDir Path dir)
            throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, POLICY);
        Instant before = clock.instant();
        Run run = cli(Map.of("STS_BROKER_TOKEN", jwt(caller("exec"))), "exec", "--role", "search-reader",
                "--duration", "2400", "--policy-file", policy.toString(), "--", "sh", "-c",
                "printf '%s\\n%s\\n%s\\n' \"$ALIBABA_CLOUD_ACCESS_KEY_ID\" \"$ALIBABA_CLOUD_ACCESS_KEY_SECRET\""
                        + " \"$ALIBABA_CLOUD_SECURITY_TOKEN\"; exit 9");

        assertThat(run.status()).as(run.stderr()).isEqualTo(9);
        String[] lines = run.stdout().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("STS.");
        assertThat(verdict(lines[2], lines[0])).isEqualTo(Verdict.VALID);
        assertThat(EmbeddedSecurityToken.read(lines[2], stsKeys.tokenKey()).orElseThrow().expiration())
                .is(issuedFor(before, Duration.ofMinutes(40)));
    }

    @Test
    void packagedCommandsExitWithTheFailureClassAndKeepTheTokenOffStderr() throws Exception {
        String ungranted = jwt("system:serviceaccount:elsewhere:e2e-cli");
        Run forbidden = cli(Map.of("STS_BROKER_TOKEN", ungranted), "process", "--role", "search-reader");
        Run unauthorized = cli(Map.of("STS_BROKER_TOKEN", "not-a-valid-token-at-all"), "exec", "--role", "search-reader",
                "--", "true");

        assertThat(forbidden.status()).as(forbidden.stderr()).isEqualTo(4);
        assertThat(forbidden.stderr()).contains("Role 'search-reader' is not granted to system:serviceaccount:elsewhere:e2e-cli")
                .doesNotContain(ungranted);
        assertThat(unauthorized.status()).as(unauthorized.stderr()).isEqualTo(3);
        assertThat(unauthorized.stderr()).contains("rejected the bearer token").doesNotContain("not-a-valid-token-at-all");
        assertThat(forbidden.stdout() + unauthorized.stdout()).isEmpty();
    }

    @Test
    void packagedExportWithAPersonalApiKeyIsThatPersonInTheSessionName() throws Exception {
        Run run = cli(Map.of("STS_BROKER_API_KEY", TestKeys.REPORTING), "export", "--role", "search-reader", "--format", "json");

        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, Object> json = io.stsbroker.client.internal.Json.parseObject(run.stdout().strip());
        String securityToken = (String) json.get("securityToken");
        assertThat(EmbeddedSecurityToken.read(securityToken, stsKeys.tokenKey()).orElseThrow().roleSessionName())
                .isEqualTo(SessionNames.of("apikey:reporting"));
    }

    /** Issued between {@code before} and now (STS states whole seconds) for {@code duration}. */
    private org.assertj.core.api.Condition<Instant> issuedFor(Instant before, Duration duration) {
        Instant from = before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(duration);
        Instant to = clock.instant().plus(duration);
        return new org.assertj.core.api.Condition<>(e -> !e.isBefore(from) && !e.isAfter(to),
                "an expiration %s after issue, between %s and %s", duration, from, to);
    }

    record Run(int status, String stdout, String stderr) {
    }

    /** Runs the packaged jar with {@code env} (and the broker's URL) as its only broker settings. */
    private Run cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertThat(CLI_JAR).as("the packaged jar; build it with ./mvnw -f client/pom.xml install").isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CLI_JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(n -> n.startsWith("STS_BROKER_") || n.startsWith("ALIBABA_CLOUD_"));
        builder.environment().put("STS_BROKER_URL", base.toString());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        try {
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the CLI did not finish within 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
