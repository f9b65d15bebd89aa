package io.stsbroker.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration, request building and transport failures; no broker involved. */
class BrokerClientTest {
    @TempDir
    Path dir;

    @Test
    void buildWithoutAUrlFailsNamingTheVariableAndBuilderMethod() {
        assertThatThrownBy(() -> BrokerClient.builder().environment(Map.<String, String>of()::get).token("t").build())
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("STS_BROKER_URL")
                .hasMessageContaining("baseUrl(..)");
    }

    @Test
    void buildReadsUrlAndTokenFromTheInjectedEnvironment() {
        Map<String, String> env = Map.of("STS_BROKER_URL", "https://sts-broker.example.com/prefix",
                "STS_BROKER_TOKEN", "env-token");

        BrokerClient client = BrokerClient.builder().environment(env::get).build();

        assertThat(client.baseUrl()).isEqualTo(URI.create("https://sts-broker.example.com/prefix/"));
        assertThat(client.tokenSource().description()).isEqualTo("environment variable STS_BROKER_TOKEN");
        assertThat(client.toString()).doesNotContain("env-token");
    }

    @Test
    void buildRejectsUnusableUrlsNamingTheSource() {
        for (String url : List.of("ftp://x", "https://user:pw@x", "https://x/?a=1", "sts-broker:8080", "https://")) {
            assertThatThrownBy(() -> BrokerClient.builder().environment(Map.of("STS_BROKER_URL", url)::get).token("t").build())
                    .as(url)
                    .isInstanceOf(BrokerConfigurationException.class)
                    .hasMessageContaining("environment variable STS_BROKER_URL");
        }
    }

    @Test
    void buildRejectingAUrlWithAPasswordDoesNotQuoteThePassword() {
        assertThatThrownBy(() -> BrokerClient.builder().baseUrl("https://admin:hunter2@b.example").token("t").build())
                .hasMessageContaining("https://***@b.example")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void credentialsPathEncodesTheRoleAsOnePathSegment() {
        assertThat(BrokerClient.credentialsPath("search-reader")).isEqualTo("v1/credentials/search-reader");
        assertThat(BrokerClient.credentialsPath("a b/../c")).isEqualTo("v1/credentials/a%20b%2F..%2Fc");
        assertThatThrownBy(() -> BrokerClient.credentialsPath(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BrokerClient.credentialsPath("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestCarriesTheCurrentTokenFromTheFileEachTime() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "jwt-1");
        BrokerHttp http = new BrokerHttp(HttpClient.newHttpClient(), URI.create("https://b.example/gw/"),
                TokenSource.ofFile(token), Duration.ofSeconds(3));

        HttpRequest first = http.request(BrokerClient.credentialsPath("search-reader"));
        Files.writeString(token, "jwt-2");
        HttpRequest second = http.request(BrokerClient.credentialsPath("search-reader"));

        assertThat(first.uri()).isEqualTo(URI.create("https://b.example/gw/v1/credentials/search-reader"));
        assertThat(first.headers().firstValue("Authorization")).contains("Bearer jwt-1");
        assertThat(second.headers().firstValue("Authorization")).contains("Bearer jwt-2");
        assertThat(first.headers().firstValue("Accept")).contains("application/json");
        assertThat(first.headers().firstValue("X-Request-Id")).isPresent()
                .isNotEqualTo(second.headers().firstValue("X-Request-Id"));
    }

    @Test
    void unreachableBrokerIsRetriedThenReportedAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<Duration> sleeps = new ArrayList<>();
        BrokerClient client = BrokerClient.builder().environment(name -> null).token("t")
                .baseUrl("http://127.0.0.1:" + closedPort).sleeper(sleeps::add).build();

        assertThatThrownBy(() -> client.fetch("search-reader"))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("Cannot reach the broker at http://127.0.0.1:" + closedPort)
                .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(BrokerError.CLIENT_NETWORK));
        assertThat(sleeps).hasSize(2);
    }
}
