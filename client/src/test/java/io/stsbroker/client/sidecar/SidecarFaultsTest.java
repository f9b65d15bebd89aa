package io.stsbroker.client.sidecar;

import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.FakeBroker;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.client.RetryPolicy;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.internal.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The sidecar against hostile local clients and a broker that stalls, fails and recovers (a fake on loopback). */
class SidecarFaultsTest {
    private static final TemporaryCredentials CREDENTIALS = new TemporaryCredentials("STS.sidecar", "side-secret",
            "side-token", Instant.now().plus(Duration.ofMinutes(50)));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private SidecarServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private SidecarServer start(SidecarServer.Builder builder) throws IOException {
        server = builder.start();
        return server;
    }

    // ---- 3. Host allow-list ------------------------------------------------------------------

    @Test
    void boundToEveryAddress_stillRefusesForeignHostHeaders() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS).bind(InetAddress.getByName("0.0.0.0")));

        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: evil.example\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: 0.0.0.0:" + server.port() + "\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    @Test
    void allowedHosts_areAnsweredBesidesLoopback() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS).bind(InetAddress.getByName("::"))
                .allowedHosts(Set.of("creds.pod.local", "10.1.2.3")));

        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: CREDS.pod.local:9911\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: 10.1.2.3\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: 10.1.2.4\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: [::1]\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    @Test
    void twoHostHeaders_orNone_areRefused() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS));

        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /v1/credentials HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void absoluteFormTarget_namingAnotherAuthority_isRefused() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS));

        assertThat(raw("GET http://evil.example/v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET http://127.0.0.1:" + server.port() + "/v1/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.port() + "\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    // ---- 4. path token -----------------------------------------------------------------------

    @Test
    void pathToken_isRequiredForCredentialsAndItsAbsenceLooksLikeNothingIsThere() throws Exception {
        String token = SidecarServer.newPathToken();
        start(SidecarServer.builder(() -> CREDENTIALS).pathToken(token));

        assertThat(server.credentialsUri().getPath()).isEqualTo("/" + token + "/v1/credentials");
        assertThat(get("/v1/credentials")).startsWith("HTTP/1.1 404");
        assertThat(get("/" + token.substring(1) + "/v1/credentials")).startsWith("HTTP/1.1 404");
        assertThat(get("/" + token + "/v1/credentials")).startsWith("HTTP/1.1 200").contains("STS.sidecar");
        assertThat(get("/health/live")).startsWith("HTTP/1.1 200");
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
    }

    // ---- 5. slow clients ---------------------------------------------------------------------

    @Test
    void slowClients_cannotStarveOthers_andAreClosedAtTheReadTimeout() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS).readTimeout(Duration.ofMillis(500)));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
            resources.add(s);
            s.getOutputStream().write("GET /v1/credentials HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            slow.add(s);
        }

        String live = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> get("/health/live"));
        assertThat(live).startsWith("HTTP/1.1 200");
        for (Socket s : slow) {
            s.setSoTimeout(10_000);
            assertThat(assertTimeoutPreemptively(Duration.ofSeconds(15), () -> readQuietly(s.getInputStream())))
                    .as("closed without an answer").isEqualTo(-1);
        }
    }

    @Test
    void oversizedRequestHead_isDropped() throws Exception {
        start(SidecarServer.builder(() -> CREDENTIALS));

        String answer = raw("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");

        assertThat(answer).isEmpty();
    }

    // ---- 1. + 10.12: a stalled or absent broker, health --------------------------------------

    @Test
    void stalledBroker_neitherFreezesHealthNorLiveness() throws Exception {
        FakeBroker broker = new FakeBroker();
        resources.add(broker);
        broker.behave(broker.stallBody());
        BrokerClient client = BrokerClient.builder().environment(n -> null).baseUrl(broker.url()).token("t")
                .requestTimeout(Duration.ofMillis(500)).retryPolicy(RetryPolicy.NONE).build();
        BrokerCredentials credentials = client.credentials("search-reader");
        resources.add(credentials);
        start(SidecarServer.builder(credentials));

        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> get("/v1/credentials"));
            t.start();
            callers.add(t);
        }
        String credentialsAnswer = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> get("/v1/credentials"));
        assertThat(credentialsAnswer).startsWith("HTTP/1.1 503");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> get("/health"))).startsWith("HTTP/1.1 503");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> get("/health/live"))).startsWith("HTTP/1.1 200");
        for (Thread t : callers) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
    }

    @Test
    void health_isDownUntilTheFirstCredential_thenUpEvenWhileTheBrokerIsDown() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        FakeBroker broker = new FakeBroker();
        resources.add(broker);
        broker.behave(FakeBroker.drop());
        BrokerClient client = BrokerClient.builder().environment(n -> null).baseUrl(broker.url()).token("t")
                .clock(clock).retryPolicy(RetryPolicy.NONE).build();
        BrokerCredentials credentials = client.credentials("search-reader");
        resources.add(credentials);
        start(SidecarServer.builder(credentials).clock(clock));

        String down = get("/health");
        assertThat(down).startsWith("HTTP/1.1 503");
        assertThat(Json.parseObject(body(down))).containsEntry("status", "DOWN")
                .containsEntry("reason", "no credential obtained from the broker yet");

        broker.behave(FakeBroker.credentials(clock.instant().plus(Duration.ofMinutes(60))));
        String up = awaitHealth(clock, "HTTP/1.1 200");
        assertThat(body(up)).isEqualTo("{\"status\":\"UP\"}");

        broker.behave(FakeBroker.drop());
        clock.advance(Duration.ofMinutes(50)); // 10 minutes left: below the client's 16-minute floor
        assertThat(get("/v1/credentials")).as("the last credential, still valid, is served during the outage")
                .startsWith("HTTP/1.1 200").contains("STS.fake");
        assertThat(get("/health")).startsWith("HTTP/1.1 200");

        clock.advance(Duration.ofMinutes(11)); // now expired
        assertThat(get("/health")).startsWith("HTTP/1.1 503").contains("every credential obtained has expired");
        assertThat(get("/v1/credentials")).startsWith("HTTP/1.1 503");
    }

    // ---- 8. broker text in 502 bodies ----------------------------------------------------------

    @Test
    void brokerRefusal_bodyIsSanitisedAndHoldsNoToken() throws Exception {
        FakeBroker broker = new FakeBroker();
        resources.add(broker);
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        broker.behave((head, out) -> (head.startsWith("GET /api/v1/status")
                ? FakeBroker.json(500, Map.of(), "{}")
                : FakeBroker.json(403, Map.of(), "{\"code\":\"Forbidden\",\"message\":" + Json.quote("you sent Bearer "
                        + token + "\r\nX-Injected: 1\u0085" + "y".repeat(4000)) + "}")).answer(head, out));
        BrokerClient client = BrokerClient.builder().environment(n -> null).baseUrl(broker.url()).token(token).build();
        BrokerCredentials credentials = client.credentials("search-reader");
        resources.add(credentials);
        start(SidecarServer.builder(credentials));

        String answer = get("/v1/credentials");

        assertThat(answer).startsWith("HTTP/1.1 502").doesNotContain(token).doesNotContain("X-Injected: 1\r")
                .doesNotContain("\u0085");
        assertThat(body(answer).length()).isLessThan(1200);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private String awaitHealth(MutableClock clock, String statusLine) throws InterruptedException {
        String last = "";
        for (int i = 0; i < 200; i++) {
            last = get("/health");
            if (last.startsWith(statusLine)) {
                return last;
            }
            clock.advance(Duration.ofSeconds(2)); // past the client's backoff after the last failure
            Thread.sleep(20); // the background fetch started by /health runs on its own thread
        }
        throw new AssertionError("health never answered " + statusLine + "; last: " + last);
    }

    private String get(String path) {
        return raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n");
    }

    private String raw(String request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static int readQuietly(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
