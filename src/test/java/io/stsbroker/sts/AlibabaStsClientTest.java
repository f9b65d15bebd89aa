package io.stsbroker.sts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.sts.embedded.EmbeddedStsServer;
import io.stsbroker.sts.embedded.StsCounters;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

/** {@link AlibabaStsClient} against the embedded STS and against misbehaving endpoints. */
@QuarkusTest
class AlibabaStsClientTest {

    static final String ROLE = "acs:ram::1234567890123456:role/search-reader";

    @Inject
    StsClient stsClient;
    @Inject
    EmbeddedStsServer server;
    @Inject
    StsCounters counters;
    @Inject
    EmbeddedStsKeys keys;
    @Inject
    Vertx vertx;
    @Inject
    Clock clock;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    AlibabaStsClient client(String baseUrl, SigningCredentialsSource credentials, Clock signingClock, Duration timeout) {
        AlibabaStsClient client = new AlibabaStsClient(vertx, "test", StsEndpoint.parse(baseUrl), timeout,
                credentials, signingClock, registry, () -> true);
        toClose.add(client);
        return client;
    }

    AlibabaStsClient embeddedClient(SigningCredentials credentials) {
        return client(server.baseUrl(), new StaticCredentialsSource(credentials), clock, Duration.ofSeconds(3));
    }

    static AssumeRoleRequest request(String roleArn, String session, Duration duration) {
        return new AssumeRoleRequest(roleArn, session, duration, Optional.empty(), Optional.empty());
    }

    static AssumeRoleRequest request() {
        return request(ROLE, "client-test", Duration.ofHours(1));
    }

    static StsException failure(Uni<StsCredentials> call) {
        return catchThrowableOfType(StsException.class, () -> call.await().atMost(Duration.ofSeconds(10)));
    }

    double calls(String result) {
        var counter = registry.find(UpstreamMetrics.CALLS).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void the_injected_client_runs_on_the_embedded_sts_and_is_ready() {
        assertThat(stsClient.providerName()).isEqualTo("embedded");
        assertThat(stsClient.ready()).isTrue();
    }

    @Test
    void the_injected_client_gets_verifiable_credentials_in_exactly_one_call() {
        // Counted for this test's session only: the application may refresh other sessions meanwhile.
        long before = counters.callCount("client-test");
        StsCredentials creds = stsClient.assumeRole(request(ROLE, "client-test", Duration.ofMinutes(20)))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(counters.callCount("client-test")).isEqualTo(before + 1);
        assertThat(creds.accessKeyId()).startsWith("STS.");
        assertThat(creds.requestId()).isNotBlank();
        assertThat(creds.expiration()).isCloseTo(clock.instant().plus(Duration.ofMinutes(20)), within(Duration.ofSeconds(5)));
        assertThat(EmbeddedSecurityToken.verify(creds.securityToken(), creds.accessKeyId(), clock.instant(), keys.tokenKey()))
                .isEqualTo(EmbeddedSecurityToken.Verdict.VALID);
    }

    @Test
    void policy_and_external_id_travel_in_the_signed_query() {
        String policy = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"opensearch:Search*\",\"Resource\":\"*\",\"Pad\":\""
                + "ü".repeat(1800) + "\"}]}";
        AssumeRoleRequest request = new AssumeRoleRequest(ROLE, "client-test", Duration.ofHours(1),
                Optional.of(policy), Optional.of("ext+id=1,2.3@a:b/c-d"));
        StsCredentials creds = embeddedClient(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret()))
                .assumeRole(request).await().atMost(Duration.ofSeconds(10));
        assertThat(creds.accessKeyId()).startsWith("STS.");
        assertThat(calls(UpstreamMetrics.SUCCESS)).isEqualTo(1);
        assertThat(registry.find(UpstreamMetrics.LATENCY).timer().count()).isEqualTo(1);
    }

    @Test
    void resubscribing_the_same_uni_signs_a_fresh_request_so_retries_are_never_replays() {
        Uni<StsCredentials> call = stsClient.assumeRole(request());
        long before = counters.callCount("client-test");
        StsCredentials first = call.await().atMost(Duration.ofSeconds(10));
        StsCredentials second = call.await().atMost(Duration.ofSeconds(10));
        assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(counters.callCount("client-test")).isEqualTo(before + 2);
    }

    @Test
    void a_wrong_secret_is_a_permanent_signature_error_with_the_sts_request_id() {
        StsException e = failure(embeddedClient(SigningCredentials.of(keys.accessKeyId(), "wrong-secret")).assumeRole(request()));
        assertThat(e.upstreamCode()).contains("SignatureDoesNotMatch");
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.PERMANENT);
        assertThat(e.upstreamRequestId()).matches("[0-9A-F-]{36}");
        assertThat(calls("SignatureDoesNotMatch")).isEqualTo(1);
    }

    @Test
    void an_unknown_access_key_is_a_permanent_error() {
        StsException e = failure(embeddedClient(SigningCredentials.of("LTAIunknown", "secret")).assumeRole(request()));
        assertThat(e.upstreamCode()).contains("InvalidAccessKeyId.NotFound");
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.PERMANENT);
    }

    @Test
    void each_invalid_parameter_is_mapped_to_its_sts_code() {
        AlibabaStsClient client = embeddedClient(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret()));
        record Case(AssumeRoleRequest request, String code) {
        }
        List<Case> cases = List.of(
                new Case(request("acs:ram::123:user/bob", "client-test", Duration.ofHours(1)), "InvalidParameter.RoleArn"),
                new Case(request(ROLE, "x", Duration.ofHours(1)), "InvalidParameter.RoleSessionName"),
                new Case(request(ROLE, "client-test", Duration.ofSeconds(60)), "InvalidParameter.DurationSeconds"),
                new Case(new AssumeRoleRequest(ROLE, "client-test", Duration.ofHours(1), Optional.of("not json"),
                        Optional.empty()), "InvalidParameter.PolicyGrammar"),
                new Case(new AssumeRoleRequest(ROLE, "client-test", Duration.ofHours(1), Optional.empty(),
                        Optional.of("#")), "InvalidParameter.ExternalId"));
        for (Case c : cases) {
            StsException e = failure(client.assumeRole(c.request()));
            assertThat(e.upstreamCode()).as(c.code()).contains(c.code());
            assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.PERMANENT);
            assertThat(calls(c.code())).isEqualTo(1);
        }
    }

    @Test
    void a_signing_clock_twenty_minutes_behind_gets_timestamp_expired() {
        Clock stale = Clock.fixed(clock.instant().minus(Duration.ofMinutes(20)), java.time.ZoneOffset.UTC);
        StsException e = failure(client(server.baseUrl(),
                new StaticCredentialsSource(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret())),
                stale, Duration.ofSeconds(3)).assumeRole(request()));
        assertThat(e.upstreamCode()).contains("InvalidTimeStamp.Expired");
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.PERMANENT);
    }

    @Test
    void an_endpoint_that_accepts_and_never_answers_fails_as_unreachable_within_the_timeout() throws Exception {
        FakeUpstream silent = FakeUpstream.silent();
        toClose.add(silent);
        Duration timeout = Duration.ofMillis(500);
        AlibabaStsClient client = client(silent.baseUrl(),
                new StaticCredentialsSource(SigningCredentials.of("id", "secret")), clock, timeout);
        long start = System.nanoTime();
        StsException e = failure(client.assumeRole(request()));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        // The lower bound is the timeout (a slow machine cannot make it fire early); the upper one
        // only separates "gave up" from "hung", so it is generous enough for a loaded 2-core machine.
        assertThat(elapsed).isBetween(timeout.minusMillis(50), timeout.plusSeconds(10));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(e.upstreamCode()).isEmpty();
        assertThat(calls(UpstreamMetrics.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void an_endpoint_that_trickles_a_partial_response_still_fails_within_the_timeout() throws Exception {
        FakeUpstream partial = FakeUpstream.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"RequestId\":");
        toClose.add(partial);
        long start = System.nanoTime();
        StsException e = failure(client(partial.baseUrl(), new StaticCredentialsSource(SigningCredentials.of("id", "s")),
                clock, Duration.ofMillis(500)).assumeRole(request()));
        // Without the read timeout this request would hang for good: 10 s separates the two on any machine.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(calls(UpstreamMetrics.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void a_port_nobody_listens_on_fails_as_a_network_error() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        StsException e = failure(client("http://127.0.0.1:" + port, new StaticCredentialsSource(SigningCredentials.of("id", "s")),
                clock, Duration.ofSeconds(2)).assumeRole(request()));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(e.getCause()).hasMessageContaining("127.0.0.1");
        assertThat(calls(UpstreamMetrics.NETWORK)).isEqualTo(1);
    }

    @Test
    void https_to_a_plain_http_server_fails_the_tls_handshake_as_a_network_error() {
        StsException e = failure(client("https://127.0.0.1:" + server.actualPort(),
                new StaticCredentialsSource(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret())),
                clock, Duration.ofSeconds(2)).assumeRole(request()));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(calls(UpstreamMetrics.NETWORK) + calls(UpstreamMetrics.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void an_error_without_an_sts_body_is_unreachable_and_retryable() throws Exception {
        FakeUpstream proxy = FakeUpstream.answering("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                + "Content-Length: 13\r\nConnection: close\r\n\r\n<html>x</html>");
        toClose.add(proxy);
        StsException e = failure(client(proxy.baseUrl(), new StaticCredentialsSource(SigningCredentials.of("id", "s")),
                clock, Duration.ofSeconds(2)).assumeRole(request()));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(e.upstreamCode()).isEmpty();
        assertThat(e.getCause()).hasMessageContaining("HTTP 502");
        assertThat(calls(UpstreamMetrics.NETWORK)).isEqualTo(1);
    }

    @Test
    void a_success_status_with_an_unreadable_body_is_unreachable() throws Exception {
        FakeUpstream broken = FakeUpstream.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 15\r\nConnection: close\r\n\r\n{\"RequestId\":1}");
        toClose.add(broken);
        StsException e = failure(client(broken.baseUrl(), new StaticCredentialsSource(SigningCredentials.of("id", "s")),
                clock, Duration.ofSeconds(2)).assumeRole(request()));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(e.getCause()).hasMessageContaining("lacks Credentials.");
    }

    @Test
    void unreadable_own_credentials_fail_as_unreachable_without_calling_sts() {
        long before = counters.callCount("client-test");
        StsException e = failure(client(server.baseUrl(),
                () -> Uni.createFrom().failure(new IllegalStateException("metadata service down")), clock,
                Duration.ofSeconds(2)).assumeRole(request()));
        assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
        assertThat(e.getCause()).hasMessageContaining("metadata service down");
        assertThat(counters.callCount("client-test")).isEqualTo(before);
    }

    @Test
    void a_closed_client_is_not_ready_and_fails_calls() {
        AlibabaStsClient client = embeddedClient(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret()));
        client.close();
        assertThat(client.ready()).isFalse();
        assertThat(failure(client.assumeRole(request())).kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
    }

    @Test
    void the_latency_histogram_is_exported_to_prometheus() {
        stsClient.assumeRole(request()).await().atMost(Duration.ofSeconds(10));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("broker_upstream_latency_seconds_bucket"))
                .body(containsString("broker_upstream_calls_total{result=\"Success\""));
    }

    @Test
    void the_client_to_string_names_the_endpoint_only() {
        assertThat(stsClient.toString()).doesNotContain(keys.accessKeySecret());
        assertThat(embeddedClient(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret())).toString())
                .contains("127.0.0.1").doesNotContain(keys.accessKeySecret());
    }

    @Test
    void timestamps_are_signed_from_the_injected_clock_in_whole_seconds() {
        assertThat(RpcTimestamps.format(Instant.parse("2026-11-27T12:00:00.999Z"))).isEqualTo("2026-11-27T12:00:00Z");
    }
}
