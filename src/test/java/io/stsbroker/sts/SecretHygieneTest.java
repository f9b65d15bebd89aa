package io.stsbroker.sts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.sts.embedded.EmbeddedStsServer;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** No exception, log line or toString of the STS client ever shows a secret, a token, a signature or the query. */
@QuarkusTest
class SecretHygieneTest {

    private static final String SECRET = "Hyg1eneSecretValue0123456789";
    private static final String TOKEN = "CAIShygiene+Token/Value=";
    private static final SigningCredentials CREDS = new SigningCredentials("STS.hygienekey", SECRET, Optional.of(TOKEN));
    /** Markers that only a request query string contains. */
    private static final List<String> FORBIDDEN = List.of(SECRET, TOKEN, RpcSignature.percentEncode(TOKEN),
            "Signature=", "SignatureNonce", "RoleSessionName=");

    @Inject
    Vertx vertx;
    @Inject
    Clock clock;
    @Inject
    EmbeddedStsServer server;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            logged.add(message + (record.getThrown() == null ? "" : " " + chain(record.getThrown())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("io.stsbroker").addHandler(capture);
    }

    @AfterEach
    void release() throws Exception {
        Logger.getLogger("io.stsbroker").removeHandler(capture);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private StsException fail(String baseUrl, Duration timeout) {
        AlibabaStsClient client = new AlibabaStsClient(vertx, "test", StsEndpoint.parse(baseUrl), timeout,
                new StaticCredentialsSource(CREDS), clock, new SimpleMeterRegistry(), () -> true);
        toClose.add(client);
        return catchThrowableOfType(StsException.class, () -> client.assumeRole(AlibabaStsClientTest.request())
                .await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void failuresOfEveryKindNeverRevealSecretsInExceptionsOrLogs() throws Exception {
        FakeUpstream silent = FakeUpstream.silent();
        FakeUpstream proxy = FakeUpstream.answering("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        toClose.add(silent);
        toClose.add(proxy);
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        List<StsException> failures = List.of(
                fail(server.baseUrl(), Duration.ofSeconds(3)),                 // STS error: unknown key
                fail(silent.baseUrl(), Duration.ofMillis(300)),                // timeout
                fail(proxy.baseUrl(), Duration.ofSeconds(3)),                  // non-STS error body
                fail("http://127.0.0.1:" + closedPort, Duration.ofSeconds(3)), // connection refused
                fail("https://127.0.0.1:" + server.actualPort(), Duration.ofSeconds(3))); // TLS failure

        assertThat(failures).allSatisfy(e -> assertThat(e).isNotNull());
        assertThat(failures.get(0).upstreamCode()).contains("InvalidAccessKeyId.NotFound");
        for (StsException e : failures) {
            assertClean(chain(e));
        }
        assertThat(logged).isNotEmpty();
        for (String line : logged) {
            assertClean(line);
        }
    }

    @Test
    void aLibraryMessageQuotingTheRequestIsCutAtTheQueryAndSecretsAreMasked() {
        RuntimeException vertxStyle = new RuntimeException("The timeout period of 500ms has been exceeded while executing"
                + " POST /?AccessKeyId=x&SecurityToken=" + TOKEN + "&Signature=abc for server sts.aliyuncs.com:443");
        String described = UpstreamFailure.describe(vertxStyle, List.of());
        assertThat(described).startsWith("RuntimeException: The timeout period").contains("POST /?<redacted>");
        assertClean(described);
        assertClean(UpstreamFailure.describe(new RuntimeException("bad key " + SECRET), List.of(SECRET)));
    }

    @Test
    void credentialsToStringsHideSecrets() {
        assertClean(CREDS.toString());
        assertClean(new StaticCredentialsSource(CREDS).toString());
        assertClean(new StsCredentials("STS.x", SECRET, TOKEN, clock.instant(), "req").toString());
    }

    private static void assertClean(String text) {
        for (String forbidden : FORBIDDEN) {
            assertThat(text).as("must not contain %s", forbidden).doesNotContain(forbidden);
        }
    }

    /** toString and message of a throwable, its causes and suppressed exceptions. */
    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c).append(" | ").append(c.getMessage()).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                out.append(chain(s));
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return out.toString();
    }
}
