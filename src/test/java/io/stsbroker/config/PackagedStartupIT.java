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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return run(Map.of(), props);
    }

    /** Runs the jar to its exit (at most 60 s). */
    private static Run run(Map<String, String> env, String... props) throws Exception {
        assertThat(PackagedBroker.JAR).exists();
        File log = Files.createTempFile("broker-start", ".log").toFile();
        Process p = PackagedBroker.processBuilder(List.of(props), env).redirectErrorStream(true).redirectOutput(log).start();
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

    private static String sha256Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
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
    void negativeFailureTtlRefusesToStartBeforeTheCacheIsBuilt() throws Exception {
        // Caffeine would refuse the negative duration itself, without naming the property: the
        // validator must run before the vending beans are built.
        Run r = run("-Dbroker.sts.provider=embedded", "-Dbroker.cache.failure-ttl=-1s");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.cache.failure-ttl='PT-1S'");
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
    void alibabaProviderWithoutRrsaRefusesToStartNamingTheIdentitySetting() throws Exception {
        // An AccessKey in the environment is what the default chain would have fallen back to.
        Run r = run(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t-value"),
                "-Dbroker.sts.provider=alibaba", "-Dbroker.sts.endpoint=https://127.0.0.1:1");
        assertThat(r.exitCode()).as(r.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(r.output()).contains("broker.sts.identity=rrsa")
                .contains("missing ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE")
                .doesNotContain("s3cr3t-value");
    }

    /**
     * With the RRSA variables the broker starts, exchanges the projected token for its own identity
     * (AssumeRoleWithOIDC, on broker.sts.endpoint) and signs AssumeRole with that identity: the whole
     * path against a loopback HTTPS STS that checks both calls.
     */
    @Test
    void alibabaProviderWithRrsaStartsAndSignsAssumeRoleWithTheRrsaIdentity() throws Exception {
        Path token = Files.createTempFile("rrsa-token", ".jwt");
        String projected = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c3RzLWJyb2tlcjpzdHMtYnJva2VyIn0.c2ln";
        Files.writeString(token, projected);
        Map<String, String> env = Map.of(
                "ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1234567890123456:role/sts-broker",
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee",
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.toString());
        try (RrsaFakeSts sts = new RrsaFakeSts()) {
            List<String> props = new ArrayList<>(sts.trustStoreProperties());
            props.addAll(List.of("-Dbroker.sts.provider=alibaba", "-Dbroker.sts.endpoint=" + sts.endpoint(),
                    "-Dbroker.roles.it-role.arn=acs:ram::1234567890123456:role/it-role",
                    "-Dbroker.roles.it-role.allow=apikey:it",
                    "-Dbroker.api-keys.it=" + sha256Hex("it-key")));
            String out = startAndCheckReady(env, base -> {
                HttpResponse<String> vend = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(base + "/v1/credentials/it-role")).header("Authorization", "Bearer it-key")
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(vend.statusCode()).as(vend.body()).isEqualTo(200);
                assertThat(vend.body()).contains(RrsaFakeSts.ROLE_KEY_ID);
            }, props.toArray(String[]::new));

            assertThat(out).contains("broker identity rrsa (role acs:ram::1234567890123456:role/sts-broker");
            assertThat(sts.calls).allSatisfy(c -> assertThat(c.problem()).as(c.action()).isNull());
            assertThat(sts.calls).filteredOn(c -> c.action().equals("AssumeRoleWithOIDC")).singleElement().satisfies(c -> {
                assertThat(c.params()).containsEntry("OIDCToken", projected)
                        .containsEntry("RoleArn", "acs:ram::1234567890123456:role/sts-broker")
                        .containsEntry("OIDCProviderArn", "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee");
            });
            assertThat(sts.calls).filteredOn(c -> c.action().equals("AssumeRole")).singleElement()
                    .satisfies(c -> assertThat(c.params()).containsEntry("RoleArn", "acs:ram::1234567890123456:role/it-role"));
        } finally {
            Files.deleteIfExists(token);
        }
    }

    @Test
    void embeddedProviderInProductionStartsWithAProminentWarning() throws Exception {
        String out = startAndCheckReady(Map.of(), base -> { }, "-Dbroker.sts.provider=embedded");
        assertThat(out).containsIgnoringCase("embedded").contains("WARN");
    }

    interface WhileRunning {
        void accept(String baseUrl) throws Exception;
    }

    /**
     * Starts the jar, waits for it to listen, checks readiness on the management port, runs
     * {@code whileRunning} with the API's base URL and stops it; returns its output.
     */
    private static String startAndCheckReady(Map<String, String> env, WhileRunning whileRunning, String... props) throws Exception {
        try (PackagedBroker broker = PackagedBroker.start(List.of(props), env)) {
            HttpResponse<String> ready = get(broker.management().resolve("/q/health/ready"));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            whileRunning.accept(broker.api().toString());
            return broker.output();
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
