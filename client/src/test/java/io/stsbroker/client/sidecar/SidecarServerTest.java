package io.stsbroker.client.sidecar;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.URLCredentialProvider;
import io.stsbroker.client.BrokerAccessDeniedException;
import io.stsbroker.client.BrokerError;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.CredentialsSource;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.internal.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The sidecar endpoint, fed by a stub credentials source (not a broker). */
class SidecarServerTest {
    private static final TemporaryCredentials CREDENTIALS = new TemporaryCredentials("STS.sidecar", "side-secret",
            "side-token", Instant.now().plus(Duration.ofMinutes(50)).truncatedTo(ChronoUnit.SECONDS));

    private static final HostPolicy LOOPBACK = HostPolicy.forBind(InetAddress.getLoopbackAddress(), java.util.Set.of());

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<CredentialsSource> source = new AtomicReference<>(() -> CREDENTIALS);
    private SidecarServer server;

    private SidecarServer start() throws IOException {
        server = SidecarServer.start(() -> source.get().credentials(), 0);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startBindsToLoopbackOnlyOnTheChosenPort() throws Exception {
        start();

        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.port()).isPositive();
        assertThat(server.credentialsUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/v1/credentials"));
    }

    @Test
    void startIsNotReachableThroughANonLoopbackAddress() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        assumeThat(external).as("a non-loopback IPv4 address on this machine").isPresent();
        start();

        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), server.port()), 2_000);
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void credentialsAreServedInTheUriFormatAndNeverCached() throws Exception {
        start();

        HttpResponse<String> response = get("/v1/credentials");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> v.startsWith("application/json"));
        assertThat(Json.parseObject(response.body())).containsOnlyKeys("Code", "AccessKeyId", "AccessKeySecret",
                "SecurityToken", "Expiration").containsEntry("Code", "Success").containsEntry("AccessKeyId", "STS.sidecar");
    }

    @Test
    void credentialsJavaUrlProviderReadsTheSidecarEndpoint() throws Exception {
        start();
        URLCredentialProvider provider = URLCredentialProvider.builder()
                .credentialsURI(server.credentialsUri().toString()).build();
        try {
            CredentialModel model = provider.getCredentials();

            assertThat(model.getAccessKeyId()).isEqualTo("STS.sidecar");
            assertThat(model.getAccessKeySecret()).isEqualTo("side-secret");
            assertThat(model.getSecurityToken()).isEqualTo("side-token");
            assertThat(model.getExpiration()).isEqualTo(CREDENTIALS.expiration().toEpochMilli());
        } finally {
            provider.close();
        }
    }

    @Test
    void healthAnswersUpOnceACredentialIsHeld() throws Exception {
        start();
        get("/v1/credentials");

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void livenessAnswersUpWithoutAskingTheSource() throws Exception {
        source.set(() -> {
            throw new AssertionError("liveness must not fetch credentials");
        });
        start();

        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void brokerUnavailableBecomes503WithRetryAfterAndNoSecrets() throws Exception {
        source.set(() -> {
            throw new BrokerUnavailableException("The broker is throttling this client",
                    new BrokerError(429, "Throttling", "slow", "req-9", null), Duration.ofSeconds(3), null);
        });
        start();

        HttpResponse<String> response = get("/v1/credentials");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("3");
        assertThat(Json.parseObject(response.body())).containsEntry("Code", "Throttling");
    }

    @Test
    void brokerRefusalBecomes502WithTheTypedMessage() throws Exception {
        source.set(() -> {
            throw new BrokerAccessDeniedException("Role 'r' is not granted to apikey:dev",
                    new BrokerError(403, "Forbidden", "no", "req-3", null), "r", "apikey:dev");
        });
        start();

        HttpResponse<String> response = get("/v1/credentials");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Json.parseObject(response.body())).containsEntry("Code", "Forbidden")
                .containsEntry("Message", "Role 'r' is not granted to apikey:dev");
    }

    @Test
    void unexpectedFailureIsAnOpaque500() throws Exception {
        source.set(() -> {
            throw new IllegalStateException("something with side-secret in it");
        });
        start();

        HttpResponse<String> response = get("/v1/credentials");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("side-secret");
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        start();

        assertThat(get("/v1/credentials/other").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(HttpRequest.newBuilder(server.credentialsUri())
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void foreignHostHeaderIsRefusedAgainstDnsRebinding() throws Exception {
        start();

        assertThat(rawGet("evil.example:" + server.port())).startsWith("HTTP/1.1 403");
        assertThat(rawGet("localhost:" + server.port())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("[::1]:" + server.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void loopbackHostAcceptsOnlyLoopbackLiteralsAndLocalhost() {
        assertThat(LOOPBACK.allows("127.0.0.1:9911")).isTrue();
        assertThat(LOOPBACK.allows("127.0.0.2")).isTrue();
        assertThat(LOOPBACK.allows("LOCALHOST")).isTrue();
        assertThat(LOOPBACK.allows("[::1]:9911")).isTrue();
        assertThat(LOOPBACK.allows("10.0.0.1:9911")).isFalse();
        assertThat(LOOPBACK.allows("localhost.evil.example")).isFalse();
        assertThat(LOOPBACK.allows("127.0.0.1.nip.io")).isFalse();
        assertThat(LOOPBACK.allows(null)).isFalse();
    }

    @Test
    void closeStopsListeningAndEndsTheServerThreads() throws Exception {
        start();
        get("/health");
        int port = server.port();

        server.close();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sts-broker-sidecar-"))
                .forEach(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
    }

    private String rawGet(String host) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health/live HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
