package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every line written while serving a request carries that request's id (MDC {@code requestId}):
 * on the event loop (a denial's audit record), on a worker thread (the admin invalidation's log
 * line, JAX-RS blocking), and after the STS answered (the mint's audit record, written in the
 * upstream call's completion); and the id is in the line as the text format prints it
 * ({@code quarkus.log.console.format}) and as the production JSON format does ({@code mdc.requestId}).
 * Runs with {@code broker.http.warm-route} on, and off in {@link RequestIdLogLinesWarmRouteOffTest}.
 */
@QuarkusTest
class RequestIdLogLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "quarkus.log.console.format")
    String textFormat;

    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            ExtLogRecord e = (ExtLogRecord) r;
            e.copyAll(); // the MDC as the writing thread saw it, as an async handler would keep it
            records.add(e);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureEverything() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void theMintAuditRecordWrittenAfterTheStsAnsweredCarriesTheRequestId() throws Exception {
        String id = "mint-" + UUID.randomUUID();
        String caller = "system:serviceaccount:cache:reqid-" + UUID.randomUUID();
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256(caller))).header(RequestIds.HEADER, id)
                .get("/v1/credentials/cache-lab").then().statusCode(200).header(RequestIds.HEADER, id);

        ExtLogRecord mint = awaitRecord("broker.audit", id, "\"event\":\"mint\"");
        assertCarries(mint, id);
    }

    @Test
    void theDenialAuditRecordCarriesTheRequestId() throws Exception {
        String id = "deny-" + UUID.randomUUID();
        given().header("Authorization", TestKeys.bearer(TestKeys.NOBODY)).header(RequestIds.HEADER, id)
                .get("/v1/credentials/cache-lab").then().statusCode(403);

        assertCarries(awaitRecord("broker.audit", id, "\"event\":\"deny\""), id);
    }

    @Test
    void aLineWrittenOnAWorkerThreadCarriesTheRequestId() throws Exception {
        String id = "admin-" + UUID.randomUUID();
        given().header("Authorization", TestKeys.bearer("hardening-admin-key")).header(RequestIds.HEADER, id)
                .contentType("application/json").body("{\"caller\":\"system:serviceaccount:nobody:" + id + "\"}")
                .post("/v1/admin/invalidate").then().statusCode(200);

        ExtLogRecord line = awaitRecord(AdminResource.class.getName(), id, "invalidated");
        assertThat(line.getThreadName()).as("JAX-RS blocking method").contains("executor-thread");
        assertCarries(line, id);
    }

    /** The record's MDC, the text line and the JSON line all name {@code id}. */
    private void assertCarries(ExtLogRecord r, String id) throws Exception {
        assertThat(r.getMdc(RequestIds.LOG_KEY)).as("MDC of %s on %s", r.getLoggerName(), r.getThreadName()).isEqualTo(id);
        assertThat(new PatternFormatter(textFormat).format(r)).contains("[" + id + "]");
        JsonNode json = JSON.readTree(new JsonFormatter().format(r));
        assertThat(json.path("mdc").path(RequestIds.LOG_KEY).asText()).isEqualTo(id);
    }

    private ExtLogRecord awaitRecord(String logger, String mentioning, String containing) {
        return await().until(() -> records.stream()
                .filter(r -> r.getLoggerName().equals(logger))
                .filter(r -> formatted(r).contains(mentioning) && formatted(r).contains(containing))
                .findFirst().orElse(null), r -> r != null);
    }

    private static String formatted(ExtLogRecord r) {
        return r.getFormattedMessage();
    }
}
