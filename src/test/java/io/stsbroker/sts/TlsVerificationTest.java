package io.stsbroker.sts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** https endpoints are verified against the JVM trust store: an untrusted certificate is never accepted. */
class TlsVerificationTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSelfSignedStsEndpointIsRefusedBeforeAnyRequestIsSent() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        int[] requests = {0};
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(cert.keyCertOptions()).setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> {
                    requests[0]++;
                    req.response().setStatusCode(500).end();
                });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AlibabaStsClient client = new AlibabaStsClient(vertx, "test",
                StsEndpoint.parse("https://localhost:" + server.actualPort()), Duration.ofSeconds(3),
                new StaticCredentialsSource(SigningCredentials.of("id", "secret")), Clock.systemUTC(), registry,
                () -> true)) {
            StsException e = catchThrowableOfType(StsException.class,
                    () -> client.assumeRole(AlibabaStsClientTest.request()).await().atMost(Duration.ofSeconds(10)));
            assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
            assertThat(e.getCause().getMessage()).containsIgnoringCase("SSL");
        }
        assertThat(requests[0]).isZero();
        assertThat(registry.find(UpstreamMetrics.CALLS).tag("result", UpstreamMetrics.NETWORK).counter().count()).isEqualTo(1);
    }
}
