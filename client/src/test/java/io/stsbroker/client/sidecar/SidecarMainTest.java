package io.stsbroker.client.sidecar;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The command as a user meets it: exit codes and messages; the broker here is never reachable. */
class SidecarMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, SidecarMain.Await await, String... args) {
        return SidecarMain.run(args, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), await);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void help_printsUsageAndExitsZero() {
        assertThat(run(Map.of(), server -> { }, "--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: java -jar sts-broker-client-sidecar.jar serve");
    }

    @Test
    void badArguments_exitTwoWithTheProblemAndAPointerToHelp() {
        assertThat(run(Map.of(), server -> { }, "serve", "--port", "99999", "--role", "r")).isEqualTo(2);

        assertThat(err()).contains("error: --port must be a number from 0 to 65535", "--help");
    }

    @Test
    void missingConfiguration_exitsOneNamingTheVariable() {
        assertThat(run(Map.of(), server -> { }, "serve", "--role", "r")).isEqualTo(1);

        assertThat(err()).contains("error: No broker URL: set STS_BROKER_URL");
    }

    @Test
    void unreachableBroker_stillServesOnLoopbackAndNeverPrintsTheToken() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("STS_BROKER_URL", "http://127.0.0.1:" + closedPort,
                "STS_BROKER_TOKEN", "very-secret-token");
        AtomicReference<Integer> health = new AtomicReference<>();
        AtomicReference<Boolean> loopback = new AtomicReference<>();

        int status = run(env, server -> {
            loopback.set(server.address().getAddress().isLoopbackAddress());
            try {
                health.set(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }, "serve", "--role", "search-reader", "--port", "0");

        assertThat(status).isZero();
        assertThat(loopback.get()).isTrue();
        assertThat(health.get()).isEqualTo(200);
        assertThat(err()).contains("warning: the broker is unreachable now", "serving role 'search-reader' at http://127.0.0.1:",
                "token from environment variable STS_BROKER_TOKEN").doesNotContain("very-secret-token");
    }

    @Test
    void portInUse_exitsOneSayingSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Map<String, String> env = Map.of("STS_BROKER_URL", "http://127.0.0.1:" + closedPort, "STS_BROKER_TOKEN", "t");

            int status = run(env, server -> { }, "serve", "--role", "r", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(status).isEqualTo(1);
            assertThat(err()).contains("error: cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--port");
        }
    }
}
