package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one error writer: a Vert.x route and a JAX-RS mapper answering the same failure send the same
 * status, body and headers, {@code upstreamCode} included (the Vert.x copy used to drop it).
 */
class ErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ErrorResponses ERRORS = new ErrorResponses(JSON);
    private static final BrokerException REFUSED_UPSTREAM = new BrokerException(ErrorCode.UPSTREAM_ERROR,
            "The token service rejected the request.", "NoPermission", Duration.ofMillis(1500), null);

    private static Vertx vertx;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route("/upstream").handler(ctx -> ERRORS.write(ctx, REFUSED_UPSTREAM));
        router.route("/unauthorized").handler(ctx -> ERRORS.write(ctx, ErrorCode.UNAUTHORIZED));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path, String requestId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.actualPort() + path)).header(RequestIds.HEADER, requestId).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aVertxRouteSendsTheUpstreamCodeLikeTheJaxRsMapper() throws Exception {
        HttpResponse<String> vertxAnswer = get("/upstream", "req-1");
        Response jaxRsAnswer = ERRORS.response(REFUSED_UPSTREAM, "req-1");

        assertThat(vertxAnswer.statusCode()).isEqualTo(502).isEqualTo(jaxRsAnswer.getStatus());
        JsonNode body = JSON.readTree(vertxAnswer.body());
        assertThat(body.path("upstreamCode").asText()).isEqualTo("NoPermission");
        assertThat(body.path("requestId").asText()).isEqualTo("req-1");
        assertThat(vertxAnswer.body()).isEqualTo(JSON.writeValueAsString(jaxRsAnswer.getEntity()));
        assertThat(vertxAnswer.headers().firstValue("Retry-After")).contains("2")
                .contains(String.valueOf(jaxRsAnswer.getHeaderString("Retry-After")));
        assertThat(vertxAnswer.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void anErrorRaisedByStatusAloneCarriesItsDefaultMessageAndTheBearerChallenge() throws Exception {
        HttpResponse<String> vertxAnswer = get("/unauthorized", "req-2");
        Response jaxRsAnswer = ERRORS.response(ErrorCode.UNAUTHORIZED, "req-2");

        assertThat(vertxAnswer.statusCode()).isEqualTo(401);
        assertThat(vertxAnswer.body()).isEqualTo(JSON.writeValueAsString(jaxRsAnswer.getEntity()))
                .doesNotContain("upstreamCode");
        assertThat(JSON.readTree(vertxAnswer.body()).path("message").asText())
                .isEqualTo(ErrorResponses.defaultMessage(ErrorCode.UNAUTHORIZED));
        assertThat(vertxAnswer.headers().firstValue("WWW-Authenticate")).contains("Bearer")
                .contains(jaxRsAnswer.getHeaderString("WWW-Authenticate"));
    }
}
