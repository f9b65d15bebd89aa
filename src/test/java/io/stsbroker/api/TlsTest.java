package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestKeys;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker on TLS with {@code broker.http.require-tls=true}: the API answers over HTTPS (the
 * client verifies the certificate and the host name against a trust store holding only the test
 * certificate); over plain HTTP it refuses the API with 403 and the JSON error body before looking
 * at any token, while {@code /q/health/*} and {@code /q/metrics} stay reachable for probes.
 */
@QuarkusTest
@TestProfile(TlsTest.TlsRequired.class)
class TlsTest {

    public static class TlsRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.http.require-tls", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TlsCertificateResource.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPORTING = TestKeys.bearer(TestKeys.REPORTING);

    @TestHTTPResource("/")
    URL http;

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @ConfigProperty(name = "quarkus.http.ssl.certificate.key-store-file")
    String keystore;

    @ConfigProperty(name = "quarkus.http.ssl.certificate.key-store-password")
    String password;

    private HttpClient trustingTheTestCertificate() throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            server.load(in, password.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", server.getCertificate("broker"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, URL base, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiIsServedOverVerifiedHttps() throws Exception {
        assertThat(https.getProtocol()).isEqualTo("https");
        HttpClient client = trustingTheTestCertificate();
        HttpResponse<String> status = get(client, https, "/api/v1/status", REPORTING);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(status.sslSession()).isPresent();
        assertThat(JSON.readTree(status.body()).path("caller").asText()).isEqualTo("apikey:reporting");
        HttpResponse<String> creds = get(client, https, "/v1/credentials/search-reader", REPORTING);
        assertThat(creds.statusCode()).isEqualTo(200);
        assertThat(creds.headers().firstValue("Cache-Control")).hasValue("no-store");
        // A client that does not trust the certificate gets no connection at all.
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> get(defaultTrust, https, "/api/v1/status", REPORTING))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void apiOverPlainHttpIsRefusedBeforeAnyTokenIsLookedAt() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/api/v1/status", "/v1/roles", "/v1/credentials/search-reader", "/v1/admin/invalidate",
                "/q/../api/v1/status", "/nothing")) {
            for (String auth : new String[] {REPORTING, TestKeys.bearer("wrong-key"), null}) {
                HttpResponse<String> r = get(client, http, path, auth);
                assertThat(r.statusCode()).as("%s with %s: %s", path, auth, r.body()).isEqualTo(403);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.path("code").asText()).isEqualTo("Forbidden");
                assertThat(body.path("message").asText()).isEqualTo("This API is served over HTTPS only.");
                assertThat(body.path("requestId").asText()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
                assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
            }
        }
    }

    @Test
    void healthAndMetricsStayReachableOverPlainHttpForProbes() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/health", "/q/metrics")) {
            HttpResponse<String> r = get(client, http, path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(get(client, http, "/q/health/ready", null).body()).contains("\"status\": \"UP\"");
    }
}
