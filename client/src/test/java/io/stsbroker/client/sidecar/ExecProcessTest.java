package io.stsbroker.client.sidecar;

import io.stsbroker.client.FakeBroker;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code exec} as its own JVM, as a shell or a service manager runs it: signals and inherited variables. */
class ExecProcessTest {
    private static final String TOKEN = "exec-bearer-token-secret";

    private static ProcessBuilder cli(FakeBroker broker, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Path.of("target/classes").toAbsolutePath().toString(), SidecarMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(n -> n.startsWith("STS_BROKER_") || n.startsWith("ALIBABA_CLOUD_"));
        builder.environment().put("STS_BROKER_URL", broker.url());
        builder.environment().put("STS_BROKER_TOKEN", TOKEN);
        return builder;
    }

    @Test
    void sigtermToTheCliReachesTheCommandAndTheCommandsStatusIsTheClisStatus() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            broker.behave(FakeBroker.credentials(Instant.now().plusSeconds(3600)));
            Process cli = cli(broker, "exec", "--role", "r", "--", "sh", "-c",
                    "trap 'kill $! 2>/dev/null; exit 42' TERM; echo ready; sleep 60 & wait").start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");

                cli.destroy(); // SIGTERM to the JVM, not to the command

                assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(cli.exitValue()).as("the command's trap status").isEqualTo(42);
            } finally {
                cli.destroyForcibly();
            }
        }
    }

    @Test
    void theCommandInheritsTheEnvironmentButNotTheBrokerToken() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            broker.behave(FakeBroker.credentials(Instant.now().plusSeconds(3600)));
            ProcessBuilder builder = cli(broker, "exec", "--role", "r", "--", "sh", "-c",
                    "printf '%s|%s|%s' \"${STS_BROKER_TOKEN-unset}\" \"$KEPT\" \"$ALIBABA_CLOUD_ACCESS_KEY_ID\"");
            builder.environment().put("KEPT", "kept");
            Process cli = builder.redirectErrorStream(true).start();
            String said = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).isZero();
            assertThat(said).isEqualTo("unset|kept|STS.fake1");
        }
    }
}
