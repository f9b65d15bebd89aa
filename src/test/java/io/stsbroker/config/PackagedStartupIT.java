package io.stsbroker.config;

import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.Test;

import java.io.File;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged jar in the production profile: bad configuration must stop start-up with a
 * non-zero exit naming the property (a {@code @QuarkusTest} cannot observe a failed start), and a
 * good one serves health and metrics on the management interface, apart from the API.
 */
class PackagedStartupIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Run(int exitCode, String output) {
    }

    private static Run run(String... props) throws Exception {
        assertThat(PackagedBroker.JAR).exists();
        File log = Files.createTempFile("broker-start", ".log").toFile();
        Process p = new ProcessBuilder(PackagedBroker.command(List.of(props))).redirectErrorStream(true).redirectOutput(log).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        return new Run(exited ? p.exitValue() : Integer.MIN_VALUE, out);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void productionProfileWithoutProviderRefusesToStart() throws Exception {
        Run r = run();
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.sts.provider");
    }

    @Test
    void malformedRoleArnRefusesToStartNamingTheProperty() throws Exception {
        Run r = run("-Dbroker.sts.provider=embedded", "-Dbroker.roles.reader.arn=arn:aws:iam::1:role/x",
                "-Dbroker.roles.reader.allow=apikey:a");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.roles.reader.arn").contains("arn:aws:iam::1:role/x");
    }

    @Test
    void durationOrderingViolationRefusesToStart() throws Exception {
        Run r = run("-Dbroker.sts.provider=embedded", "-Dbroker.roles.reader.arn=acs:ram::1:role/reader",
                "-Dbroker.roles.reader.duration=1200");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.roles.reader.duration");
    }

    @Test
    void jwtKeyWithoutIssuerRefusesToStart() throws Exception {
        Path jwks = Path.of("src", "test", "resources", "keys", "jwks.json").toAbsolutePath();
        Run r = run("-Dbroker.sts.provider=embedded", "-Dmp.jwt.verify.publickey.location=file:" + jwks,
                "-Dmp.jwt.verify.audiences=sts-broker");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("mp.jwt.verify.issuer");
    }

    @Test
    void plainKeyInsteadOfDigestRefusesToStartWithoutPrintingIt() throws Exception {
        Run r = run("-Dbroker.sts.provider=embedded", "-Dbroker.api-keys.ci=this-is-a-plain-key");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.api-keys.ci").doesNotContain("this-is-a-plain-key");
    }

    @Test
    void embeddedProviderInProductionStartsWithAProminentWarning() throws Exception {
        try (PackagedBroker broker = PackagedBroker.start(List.of("-Dbroker.sts.provider=embedded"))) {
            assertThat(broker.output()).containsIgnoringCase("embedded").contains("WARN");
            assertThat(get(broker.management().resolve("/q/health/ready")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void productionProfileServesHealthAndMetricsOnlyOnThePlainManagementPort() throws Exception {
        try (PackagedBroker broker = PackagedBroker.start(List.of("-Dbroker.sts.provider=embedded"))) {
            assertThat(broker.management()).isNotEqualTo(broker.api());
            for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
                HttpResponse<String> health = get(broker.management().resolve(path));
                assertThat(health.statusCode()).as(path).isEqualTo(200);
                assertThat(health.body()).as(path).contains("\"UP\"");
            }
            HttpResponse<String> metrics = get(broker.management().resolve("/q/metrics"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("broker_cache_requests_total");

            // The API port: the API and its contract, nothing operational.
            for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/metrics")) {
                assertThat(get(broker.api().resolve(path)).statusCode()).as("API port " + path).isEqualTo(404);
            }
            assertThat(get(broker.api().resolve("/q/openapi")).body()).startsWith("openapi:");
            assertThat(get(broker.api().resolve("/api/v1/status")).statusCode()).isEqualTo(401);
            // ... and the management port serves neither.
            assertThat(get(broker.management().resolve("/q/openapi")).statusCode()).isEqualTo(404);
            assertThat(get(broker.management().resolve("/api/v1/status")).statusCode()).isEqualTo(404);
        }
    }
}
