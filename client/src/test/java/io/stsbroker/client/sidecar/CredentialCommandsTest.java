package io.stsbroker.client.sidecar;

import io.stsbroker.client.FakeBroker;
import io.stsbroker.client.internal.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** exec, export and process as a user meets them, against the in-process fake broker. */
class CredentialCommandsTest {
    private static final String TOKEN = "cli-bearer-token-secret";
    private static final Instant EXPIRES = Instant.parse("2031-01-01T00:00:00Z");

    /**
     * The fields of the Alibaba Cloud CLI's profile, as its External mode unmarshals the command's
     * stdout into it (json tags of {@code Profile}, https://github.com/aliyun/aliyun-cli/blob/master/config/profile.go),
     * of which StsToken mode uses these four; plus {@code expiration}, which External-mode readers use to re-ask.
     */
    private static final Set<String> ALIYUN_CLI_EXTERNAL_FIELDS = Set.of("mode", "access_key_id", "access_key_secret",
            "sts_token", "expiration");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return SidecarMain.run(args, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), server -> { });
    }

    private static Map<String, String> env(FakeBroker broker) {
        return Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_TOKEN", TOKEN);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static FakeBroker broker() throws Exception {
        FakeBroker broker = new FakeBroker();
        broker.behave(FakeBroker.credentials(EXPIRES));
        return broker;
    }

    @Test
    void processPrintsTheAliyunCliExternalProfileFieldsAndNothingElse() throws Exception {
        try (FakeBroker broker = broker()) {
            assertThat(run(env(broker), "process", "--role", "search-reader")).isZero();

            Map<String, Object> json = Json.parseObject(out().strip());
            assertThat(json.keySet()).isEqualTo(ALIYUN_CLI_EXTERNAL_FIELDS);
            assertThat(json).containsEntry("mode", "StsToken").containsEntry("access_key_id", "STS.fake1")
                    .containsEntry("access_key_secret", "secret1").containsEntry("sts_token", "CAIS+token/1=")
                    .containsEntry("expiration", "2031-01-01T00:00:00Z");
            assertThat(err()).isEmpty();
            assertThat(broker.heads().get(0)).startsWith("GET /v1/credentials/search-reader ");
        }
    }

    @Test
    void exportPrintsExportLinesThatAShellEvaluatesToTheCredential() throws Exception {
        try (FakeBroker broker = broker()) {
            assertThat(run(env(broker), "export", "--role", "search-reader")).isZero();

            Path script = dir.resolve("exports.sh");
            Files.writeString(script, out() + "printf '%s|%s|%s' \"$ALIBABA_CLOUD_ACCESS_KEY_ID\""
                    + " \"$ALIBABA_CLOUD_ACCESS_KEY_SECRET\" \"$ALIBABA_CLOUD_SECURITY_TOKEN\"\n");
            Process sh = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).start();
            String said = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(said).isEqualTo("STS.fake1|secret1|CAIS+token/1=");
            assertThat(out()).contains("export ALIBABA_CLOUD_ACCESS_KEY_ID='STS.fake1'", "expire at 2031-01-01T00:00:00Z");
        }
    }

    @Test
    void shellQuoteKeepsQuotesAndExpansionsLiteral() throws Exception {
        String nasty = "a'b $(touch " + dir.resolve("pwned") + ") `x` \"c\" \\d";
        Path script = dir.resolve("q.sh");
        Files.writeString(script, "V=" + CredentialOutput.shellQuote(nasty) + "\nprintf '%s' \"$V\"\n");
        Process sh = new ProcessBuilder("sh", script.toString()).start();
        String said = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(said).isEqualTo(nasty);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void exportJsonPrintsTheBrokersFieldNames() throws Exception {
        try (FakeBroker broker = broker()) {
            assertThat(run(env(broker), "export", "--role", "r", "--format", "json")).isZero();

            assertThat(Json.parseObject(out().strip())).containsOnlyKeys("accessKeyId", "accessKeySecret", "securityToken", "expiration")
                    .containsEntry("securityToken", "CAIS+token/1=");
        }
    }

    @Test
    void durationAndPolicyFileAreSentAsAPost() throws Exception {
        Path policy = dir.resolve("policy.json");
        String document = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:GetObject\",\"Resource\":\"*\"}]}";
        Files.writeString(policy, document + "\n");
        try (FakeBroker broker = broker()) {
            assertThat(run(env(broker), "process", "--role", "r", "--duration", "45m", "--policy-file", policy.toString())).isZero();

            assertThat(broker.heads().get(0)).startsWith("POST /v1/credentials ");
            assertThat(Json.parseObject(broker.bodies().get(0))).containsEntry("role", "r")
                    .containsEntry("durationSeconds", 2700.0).containsEntry("policy", document);
        }
    }

    @Test
    void execGivesTheCommandTheCredentialInItsEnvironmentAndPassesItsExitStatusThrough() throws Exception {
        Path seen = dir.resolve("seen");
        try (FakeBroker broker = broker()) {
            int status = run(env(broker), "exec", "--role", "r", "--", "sh", "-c",
                    "printf '%s|%s|%s' \"$ALIBABA_CLOUD_ACCESS_KEY_ID\" \"$ALIBABA_CLOUD_ACCESS_KEY_SECRET\""
                            + " \"$ALIBABA_CLOUD_SECURITY_TOKEN\" > \"$0\"; exit 7", seen.toString());

            assertThat(status).isEqualTo(7);
            assertThat(Files.readString(seen)).isEqualTo("STS.fake1|secret1|CAIS+token/1=");
            assertThat(err()).isEmpty();
        }
    }

    @Test
    void execHelpAfterTheSeparatorBelongsToTheCommand() throws Exception {
        Path seen = dir.resolve("seen");
        try (FakeBroker broker = broker()) {
            int status = run(env(broker), "exec", "--role", "r", "--", "sh", "-c", "printf '%s' \"$1\" > \"$0\"",
                    seen.toString(), "--help");

            assertThat(status).isZero();
            assertThat(Files.readString(seen)).isEqualTo("--help");
            assertThat(out()).isEmpty();
        }
    }

    @Test
    void execAMissingCommandIs127AndAskedTheBrokerOnce() throws Exception {
        try (FakeBroker broker = broker()) {
            assertThat(run(env(broker), "exec", "--role", "r", "--", dir.resolve("no-such-command").toString())).isEqualTo(127);

            assertThat(err()).contains("error: cannot run", "command not found");
            assertThat(broker.requests()).isEqualTo(1);
        }
    }

    @Test
    void execHelpSaysLongRunningProgramsShouldServe() {
        assertThat(run(Map.of(), "exec", "--help")).isZero();

        assertThat(out()).startsWith("Usage: java -jar sts-broker-client-sidecar.jar exec --role <role>")
                .contains("long-running programs use 'serve'", "ALIBABA_CLOUD_CREDENTIALS_URI", "never on its command line",
                        "Exit status:");
    }

    @Test
    void eachFailureClassHasItsOwnExitStatusAndStderrNeverHoldsTheTokenOrACredential() throws Exception {
        Map<Integer, Integer> statusByHttp = new HashMap<>();
        try (FakeBroker broker = broker()) {
            for (int http : List.of(401, 403, 429, 503, 400, 502, 404)) {
                broker.behave(FakeBroker.json(http, Map.of(), "{\"code\":\"X" + http + "\",\"message\":\"no " + TOKEN + "\"}"));
                statusByHttp.put(http, run(env(broker), "process", "--role", "r"));
            }
        }
        assertThat(statusByHttp).containsExactlyInAnyOrderEntriesOf(Map.of(401, ExitStatus.UNAUTHORIZED,
                403, ExitStatus.FORBIDDEN, 429, ExitStatus.UNAVAILABLE, 503, ExitStatus.UNAVAILABLE,
                400, ExitStatus.REFUSED, 502, ExitStatus.REFUSED, 404, ExitStatus.REFUSED));
        assertThat(List.of(3, 4, 5, 6)).doesNotHaveDuplicates();
        assertThat(out()).isEmpty();
        assertThat(err()).contains("error: The broker rejected the bearer token from environment variable STS_BROKER_TOKEN")
                .doesNotContain(TOKEN);
    }

    @Test
    void unreachableBrokerIsUnavailableMissingConfigurationIsOneBadArgumentsAreTwo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(run(Map.of("STS_BROKER_URL", "http://127.0.0.1:" + closedPort, "STS_BROKER_TOKEN", TOKEN),
                "export", "--role", "r")).isEqualTo(ExitStatus.UNAVAILABLE);
        assertThat(run(Map.of("STS_BROKER_TOKEN", TOKEN), "export", "--role", "r")).isEqualTo(ExitStatus.FAILED);
        assertThat(err()).contains("No broker URL: set STS_BROKER_URL");
        assertThat(run(Map.of(), "export", "--role", "r", "--format", "yaml")).isEqualTo(ExitStatus.USAGE);
        assertThat(run(Map.of(), "process")).isEqualTo(ExitStatus.USAGE);
        assertThat(run(Map.of(), "exec", "--role", "r", "ls")).isEqualTo(ExitStatus.USAGE);
        assertThat(run(Map.of(), "export", "--role", "r", "--duration", "13h")).isEqualTo(ExitStatus.USAGE);
        assertThat(run(Map.of(), "export", "--role", "r", "--policy-file", dir.resolve("absent.json").toString()))
                .isEqualTo(ExitStatus.USAGE);
        assertThat(err()).contains("--format must be env or json", "--role is required", "put '--' before the command",
                "--duration must be", "cannot read the policy file").doesNotContain(TOKEN);
    }

    @Test
    void apiKeyFromTheVariableNamedBySTSBROKERAPIKEYENVIsSentAsTheBearerToken() throws Exception {
        try (FakeBroker broker = broker()) {
            Map<String, String> env = Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_API_KEY_ENV", "MY_KEY",
                    "MY_KEY", "key-of-alice");

            assertThat(run(env, "process", "--role", "r")).isZero();

            assertThat(broker.heads().get(0)).contains("Authorization: Bearer key-of-alice");
        }
    }
}
