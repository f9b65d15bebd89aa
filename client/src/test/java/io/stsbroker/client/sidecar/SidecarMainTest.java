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
    void helpPrintsUsageAndExitsZero() {
        assertThat(run(Map.of(), server -> { }, "--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: java -jar sts-broker-client-sidecar.jar serve");
    }

    @Test
    void badArgumentsExitTwoWithTheProblemAndAPointerToHelp() {
        assertThat(run(Map.of(), server -> { }, "serve", "--port", "99999", "--role", "r")).isEqualTo(2);

        assertThat(err()).contains("error: --port must be a number from 0 to 65535", "--help");
    }

    @Test
    void missingConfigurationExitsOneNamingTheVariable() {
        assertThat(run(Map.of(), server -> { }, "serve", "--role", "r")).isEqualTo(1);

        assertThat(err()).contains("error: No broker URL: set STS_BROKER_URL");
    }

    @Test
    void unreachableBrokerStillListensOnLoopbackHealthSays503AndNeverPrintsTheToken() throws Exception {
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
        assertThat(health.get()).as("health until a first credential is held").isEqualTo(503);
        assertThat(err()).contains("warning: the broker is unreachable now", "serving role 'search-reader' at http://127.0.0.1:",
                "token from environment variable STS_BROKER_TOKEN").doesNotContain("very-secret-token");
    }

    @Test
    void brokerRefusingTheFirstRequestExitsWithTheSameStatusAsTheOneShotCommands() throws Exception {
        try (io.stsbroker.client.FakeBroker broker = new io.stsbroker.client.FakeBroker()) {
            broker.behave(io.stsbroker.client.FakeBroker.json(403, Map.of(), "{\"code\":\"Forbidden\"}"));
            Map<String, String> env = Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_TOKEN", "t");

            assertThat(run(env, server -> { }, "serve", "--role", "r", "--port", "0")).isEqualTo(ExitStatus.FORBIDDEN);
            assertThat(err()).contains("Role 'r' is not granted");
        }
    }

    @Test
    void portInUseExitsOneSayingSo() throws Exception {
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

    @Test
    void generatedPathTokenIsPrintedInTheUriToUseAndThePlainPathIsNotFound() throws Exception {
        try (io.stsbroker.client.FakeBroker broker = new io.stsbroker.client.FakeBroker()) {
            Map<String, String> env = Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_TOKEN", "t");
            AtomicReference<Integer> plain = new AtomicReference<>();
            AtomicReference<Integer> tokened = new AtomicReference<>();
            AtomicReference<String> uri = new AtomicReference<>();

            int status = run(env, server -> {
                uri.set(server.credentialsUri().toString());
                plain.set(status("http://127.0.0.1:" + server.port() + "/v1/credentials"));
                tokened.set(status(server.credentialsUri().toString()));
            }, "serve", "--role", "search-reader", "--port", "0", "--generate-path-token");

            assertThat(status).isZero();
            assertThat(uri.get()).matches("http://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{43}/v1/credentials");
            assertThat(err()).contains("serving role 'search-reader' at " + uri.get());
            assertThat(plain.get()).isEqualTo(404);
            assertThat(tokened.get()).isEqualTo(200);
        }
    }

    @Test
    void pathTokenFileIsUsedAndNeverPrinted() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("path-token", "");
        String token = "abcdefghijklmnopqrstuvwxyz0123456789_-AB";
        java.nio.file.Files.writeString(file, token + "\n");
        try (io.stsbroker.client.FakeBroker broker = new io.stsbroker.client.FakeBroker()) {
            Map<String, String> env = Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_TOKEN", "t");
            AtomicReference<Integer> tokened = new AtomicReference<>();

            int status = run(env, server -> tokened.set(status("http://127.0.0.1:" + server.port() + "/" + token
                    + "/v1/credentials")), "serve", "--role", "r", "--port", "0", "--path-token-file", file.toString());

            assertThat(status).isZero();
            assertThat(tokened.get()).isEqualTo(200);
            assertThat(err()).contains("/<token from " + file + ">/v1/credentials").doesNotContain(token);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void pathTokenFileThatIsTooShortExitsOneWithoutQuotingIt() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("path-token", "");
        java.nio.file.Files.writeString(file, "short-secret");
        try {
            Map<String, String> env = Map.of("STS_BROKER_URL", "http://127.0.0.1:1", "STS_BROKER_TOKEN", "t");

            assertThat(run(env, server -> { }, "serve", "--role", "r", "--port", "0", "--path-token-file", file.toString()))
                    .isEqualTo(1);
            assertThat(err()).contains("must hold 22-256 characters").doesNotContain("short-secret");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void allowedHostOptionReachesTheServer() throws Exception {
        try (io.stsbroker.client.FakeBroker broker = new io.stsbroker.client.FakeBroker()) {
            Map<String, String> env = Map.of("STS_BROKER_URL", broker.url(), "STS_BROKER_TOKEN", "t");
            AtomicReference<String> allowed = new AtomicReference<>();
            AtomicReference<String> other = new AtomicReference<>();

            int status = run(env, server -> {
                allowed.set(rawStatusLine(server.port(), "creds.pod.local"));
                other.set(rawStatusLine(server.port(), "evil.example"));
            }, "serve", "--role", "r", "--port", "0", "--bind", "0.0.0.0", "--allowed-host", "creds.pod.local");

            assertThat(status).isZero();
            assertThat(allowed.get()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(other.get()).isEqualTo("HTTP/1.1 403 Forbidden");
        }
    }

    private static String rawStatusLine(int port, String host) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/credentials HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
