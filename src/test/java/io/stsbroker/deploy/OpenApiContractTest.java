package io.stsbroker.deploy;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stsbroker.error.ErrorCode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * openapi.yaml is read by the validator the service's REST Assured tests use
 * (swagger-request-validator), every example in it passes that validator, it covers the whole
 * contract, and it is strict: the drifts the contract forbids fail validation.
 */
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT = RepoFiles.read("openapi.yaml");
    private static final JsonNode SPEC = readYaml(TEXT);
    private static final OpenApiInteractionValidator VALIDATOR =
            OpenApiInteractionValidator.createForInlineApiSpecification(TEXT).build();

    /** A valid value for every response header the document declares. */
    private static final Map<String, String> HEADER_VALUES = Map.of(
            "X-Request-Id", "3f2b8c1e-7d4a-4f0e-9b6a-1c2d3e4f5a6b",
            "Retry-After", "2",
            "Cache-Control", "no-store",
            "Pragma", "no-cache",
            "WWW-Authenticate", "Bearer");

    private static final String CREDENTIALS = """
            {"accessKeyId":"STS.NUgYrLnoC37mZZCNnAbez2Ee5","accessKeySecret":"secret","securityToken":"token",
             "expiration":"2026-11-27T12:00:00Z","role":"search-reader",
             "roleArn":"acs:ram::1234567890123456:role/search-reader","sessionName":"search.indexer-mfboxd3vnv7kf"}""";
    private static final String ALIBABA_URI = """
            {"Code":"Success","AccessKeyId":"STS.NUgYrLnoC37mZZCNnAbez2Ee5","AccessKeySecret":"secret",
             "SecurityToken":"token","Expiration":"2026-11-27T12:00:00Z"}""";

    // ---- the document -------------------------------------------------------------------------

    @Test
    void documentIsOpenApi303AndParsesWithoutMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(TEXT, null, options);

        assertThat(SPEC.path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
    }

    @Test
    void everyEndpointOfTheContractIsDescribed() {
        assertThat(operations().keySet()).containsExactlyInAnyOrder(
                "GET /api/v1/status", "GET /v1/roles", "GET /v1/credentials/{role}", "POST /v1/credentials",
                "POST /v1/admin/invalidate", "GET /v1/admin/usage", "POST /v1/admission/mutate",
                "GET /q/health/live", "GET /q/health/ready", "GET /q/health/started", "GET /q/metrics", "GET /q/openapi");
    }

    @Test
    void bothBearerSchemesAreDefinedAndOnlyTheQEndpointsAndTheWebhookArePublic() {
        JsonNode schemes = SPEC.path("components").path("securitySchemes");
        assertThat(schemes.path("kubernetesJwt").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("kubernetesJwt").path("bearerFormat").asText()).isEqualTo("JWT");
        assertThat(schemes.path("apiKey").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("apiKey").path("scheme").asText()).isEqualTo("bearer");
        assertThat(SPEC.path("security").toString()).contains("kubernetesJwt", "apiKey");

        // Stated on every operation: swagger-request-validator ignores the top-level default.
        operations().forEach((name, op) -> {
            assertThat(op.has("security")).as("%s states its security", name).isTrue();
            // The webhook: called by the API server over TLS, reachable from it alone (its NetworkPolicy).
            if (name.startsWith("GET /q/") || name.equals("POST /v1/admission/mutate")) {
                assertThat(op.path("security").isEmpty()).as("%s is public", name).isTrue();
            } else {
                assertThat(op.path("security").toString()).as(name).contains("kubernetesJwt", "apiKey");
            }
        });
    }

    @Test
    void errorCodesAreExactlyTheServicesErrorCodes() {
        Set<String> documented = new HashSet<>();
        SPEC.path("components").path("schemas").path("ErrorCode").path("enum").forEach(n -> documented.add(n.asText()));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    }

    @Test
    void everyErrorResponsePinsTheOneCodeItsStatusCarries() {
        Set<String> used = new HashSet<>();
        forEachResponse((op, status, response) -> {
            if (status < 400 || op.startsWith("GET /q/health/") && status == 503) {
                return;
            }
            JsonNode schema = resolve(response.path("content").path("application/json").path("schema"));
            JsonNode codeEnum = schema.path("properties").path("code").path("enum");
            assertThat(codeEnum.size()).as("%s %d pins one code", op, status).isEqualTo(1);
            String code = codeEnum.get(0).asText();
            assertThat(ErrorCode.valueOf(enumName(code)).status()).as("%s %d carries %s", op, status, code).isEqualTo(status);
            assertThat(schema.path("additionalProperties").asBoolean(true)).as("%s %d body is closed", op, status).isFalse();
            used.add(code);
        });
        // 404 and 405 answer requests for operations the document does not define.
        Set<String> expected = Arrays.stream(ErrorCode.values())
                .filter(c -> c.status() != 404 && c.status() != 405).map(ErrorCode::code).collect(Collectors.toSet());
        assertThat(used).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyResponseRequiresXRequestId() {
        forEachResponse((op, status, response) ->
                assertThat(resolve(response.path("headers").path("X-Request-Id")).path("required").asBoolean())
                        .as("%s %d", op, status).isTrue());
    }

    @Test
    void throttlingAndUnavailableRequireRetryAfter() {
        forEachResponse((op, status, response) -> {
            if ((status == 429 || status == 503) && !op.startsWith("GET /q/")) {
                assertThat(resolve(response.path("headers").path("Retry-After")).path("required").asBoolean())
                        .as("%s %d", op, status).isTrue();
            }
        });
    }

    @Test
    void credentialsResponsesForbidCaching() {
        for (String op : List.of("GET /v1/credentials/{role}", "POST /v1/credentials")) {
            JsonNode ok = resolve(operations().get(op).path("responses").path("200"));
            assertThat(resolve(ok.path("headers").path("Cache-Control")).path("required").asBoolean()).as(op).isTrue();
            assertThat(resolve(ok.path("headers").path("Pragma")).path("required").asBoolean()).as(op).isTrue();
            assertThat(resolve(ok.path("content").path("application/json").path("schema")).path("oneOf").size()).as(op).isEqualTo(2);
        }
    }

    /** The validator is the same one the service's tests run; examples are what client authors copy. */
    @TestFactory
    Stream<DynamicTest> everyExampleResponsePassesTheValidator() {
        List<DynamicTest> tests = new ArrayList<>();
        forEachResponse((op, status, response) -> response.path("content").fields().forEachRemaining(media -> {
            for (Map.Entry<String, JsonNode> example : examples(media.getValue()).entrySet()) {
                String name = op + " " + status + " " + media.getKey() + " " + example.getKey();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    SimpleResponse.Builder r = SimpleResponse.Builder.status(status).withContentType(media.getKey())
                            .withBody(media.getKey().contains("json") ? JSON.writeValueAsString(example.getValue())
                                    : example.getValue().asText());
                    response.path("headers").fieldNames().forEachRemaining(h -> {
                        assertThat(HEADER_VALUES).as("a sample value for header %s", h).containsKey(h);
                        r.withHeader(h, HEADER_VALUES.get(h));
                    });
                    assertValid(validateResponse(op, r.build()));
                }));
            }
        }));
        assertThat(tests).hasSizeGreaterThan(20);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRequestBodyPassesTheValidator() {
        JsonNode body = resolve(operations().get("POST /v1/credentials").path("requestBody"))
                .path("content").path("application/json");
        return examples(body).entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
                assertValid(VALIDATOR.validateRequest(SimpleRequest.Builder.post("/v1/credentials")
                        .withAuthorization("Bearer k").withContentType("application/json")
                        .withBody(JSON.writeValueAsString(e.getValue())).build()))));
    }

    // ---- strictness: the drifts the contract forbids fail validation ----------------------------

    @Test
    void bothCredentialBodiesPassWithTheirHeaders() {
        assertValid(validateResponse("GET /v1/credentials/{role}", credentials(CREDENTIALS).build()));
        assertValid(validateResponse("GET /v1/credentials/{role}", credentials(ALIBABA_URI).build()));
        assertValid(validateResponse("POST /v1/credentials", credentials(CREDENTIALS).build()));
    }

    @Test
    void extraFieldInCredentialsFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}",
                credentials(withField(CREDENTIALS, "region", "cn-hangzhou")).build()));
    }

    @Test
    void missingFieldInCredentialsFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}", credentials(without(CREDENTIALS, "sessionName")).build()));
        assertInvalid(validateResponse("GET /v1/credentials/{role}", credentials(without(ALIBABA_URI, "Expiration")).build()));
    }

    @Test
    void expirationWithFractionalSecondsOrAnOffsetFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}",
                credentials(withField(CREDENTIALS, "expiration", "2026-11-27T12:00:00.000Z")).build()));
        assertInvalid(validateResponse("GET /v1/credentials/{role}",
                credentials(withField(ALIBABA_URI, "Expiration", "2026-11-27T12:00:00+00:00")).build()));
    }

    @Test
    void alibabaBodyWithACodeOtherThanSuccessFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}", credentials(withField(ALIBABA_URI, "Code", "success")).build()));
    }

    @Test
    void aBodyMixingTheTwoShapesFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}",
                credentials(withField(CREDENTIALS, "Code", "Success")).build()));
    }

    @Test
    void credentialsWithoutNoStoreOrPragmaFail() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}", SimpleResponse.Builder.ok()
                .withContentType("application/json").withHeader("X-Request-Id", "r1").withHeader("Pragma", "no-cache")
                .withBody(CREDENTIALS).build()));
        assertInvalid(validateResponse("GET /v1/credentials/{role}", SimpleResponse.Builder.ok()
                .withContentType("application/json").withHeader("X-Request-Id", "r1").withHeader("Cache-Control", "no-store")
                .withBody(CREDENTIALS).build()));
    }

    @Test
    void responseWithoutRequestIdFails() {
        assertInvalid(validateResponse("GET /api/v1/status", SimpleResponse.Builder.ok().withContentType("application/json")
                .withBody("{\"status\":\"UP\",\"caller\":\"apikey:dev\",\"provider\":\"embedded\",\"version\":\"0.1.0\"}").build()));
    }

    @Test
    void errorWithTheWrongCodeForItsStatusFails() {
        assertValid(validateResponse("GET /v1/credentials/{role}", error(403, "Forbidden").build()));
        assertValid(validateResponse("GET /v1/credentials/{role}", error(502, "UpstreamError").build()));
        assertInvalid(validateResponse("GET /v1/credentials/{role}", error(403, "Unauthorized").build()));
        assertInvalid(validateResponse("GET /v1/credentials/{role}", error(502, "UpstreamUnavailable").build()));
    }

    @Test
    void errorWithAnUnknownCodeOrExtraFieldFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}", error(403, "AccessDenied").build()));
        SimpleResponse.Builder r = SimpleResponse.Builder.status(403).withContentType("application/json")
                .withHeader("X-Request-Id", "r1")
                .withBody("{\"code\":\"Forbidden\",\"message\":\"no\",\"requestId\":\"r1\",\"upstreamCode\":\"NoPermission\"}");
        assertInvalid(validateResponse("GET /v1/credentials/{role}", r.build()));
    }

    @Test
    void throttlingWithoutRetryAfterFails() {
        assertInvalid(validateResponse("GET /v1/credentials/{role}", error(429, "Throttling").build()));
        assertValid(validateResponse("GET /v1/credentials/{role}", error(429, "Throttling").withHeader("Retry-After", "1").build()));
    }

    @Test
    void unauthorizedWithoutWwwAuthenticateFails() {
        assertInvalid(validateResponse("GET /v1/roles", error(401, "Unauthorized").build()));
        assertValid(validateResponse("GET /v1/roles", error(401, "Unauthorized").withHeader("WWW-Authenticate", "Bearer").build()));
    }

    @Test
    void undocumentedStatusFails() {
        assertInvalid(validateResponse("GET /api/v1/status", error(418, "InternalError").build()));
    }

    @Test
    void requestsFollowTheContract() {
        assertValid(VALIDATOR.validateRequest(SimpleRequest.Builder.get("/v1/credentials/search-reader")
                .withAuthorization("Bearer k").withQueryParam("format", "alibaba-uri")
                .withAccept("text/html, image/gif, image/jpeg, */*; q=0.2").build()));
        assertInvalid(VALIDATOR.validateRequest(SimpleRequest.Builder.get("/v1/credentials/search-reader")
                .withAuthorization("Bearer k").withQueryParam("format", "xml").build()));
        assertInvalid(VALIDATOR.validateRequest(SimpleRequest.Builder.get("/v1/roles").build()));
        assertValid(VALIDATOR.validateRequest(SimpleRequest.Builder.get("/q/health/ready").build()));
        assertInvalid(VALIDATOR.validateRequest(SimpleRequest.Builder.post("/v1/credentials").withAuthorization("Bearer k")
                .withContentType("application/json").withBody("{\"role\":\"search-reader\",\"ttl\":900}").build()));
        assertInvalid(VALIDATOR.validateRequest(SimpleRequest.Builder.post("/v1/credentials").withAuthorization("Bearer k")
                .withContentType("application/json").withBody("{\"role\":\"search-reader\",\"policy\":{\"Version\":\"1\"}}").build()));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private interface ResponseVisitor {
        void visit(String operation, int status, JsonNode response);
    }

    /** "METHOD /path" to the operation node. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        SPEC.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(op.getKey())) {
                ops.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
            }
        }));
        return ops;
    }

    private static void forEachResponse(ResponseVisitor visitor) {
        operations().forEach((name, op) -> op.path("responses").fields().forEachRemaining(r ->
                visitor.visit(name, Integer.parseInt(r.getKey()), resolve(r.getValue()))));
    }

    private static Map<String, JsonNode> examples(JsonNode media) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (media.has("example")) {
            out.put("example", media.get("example"));
        }
        media.path("examples").fields().forEachRemaining(e -> out.put(e.getKey(), resolve(e.getValue()).path("value")));
        return out;
    }

    /** Follows a local {@code $ref} ("#/components/..."), repeatedly. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            assertThat(ref).startsWith("#/");
            current = SPEC.at(ref.substring(1));
            assertThat(current.isMissingNode()).as("reference %s resolves", ref).isFalse();
        }
        return current;
    }

    private static ValidationReport validateResponse(String operation, SimpleResponse response) {
        String[] parts = operation.split(" ", 2);
        String path = parts[1].replace("{role}", "search-reader");
        return VALIDATOR.validateResponse(path, Request.Method.valueOf(parts[0]), response);
    }

    private static SimpleResponse.Builder credentials(String body) {
        return SimpleResponse.Builder.ok().withContentType("application/json")
                .withHeader("X-Request-Id", "r1").withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache")
                .withBody(body);
    }

    private static SimpleResponse.Builder error(int status, String code) {
        return SimpleResponse.Builder.status(status).withContentType("application/json").withHeader("X-Request-Id", "r1")
                .withBody("{\"code\":\"" + code + "\",\"message\":\"m\",\"requestId\":\"r1\"}");
    }

    private static String withField(String json, String field, String value) {
        return edit(json, o -> o.put(field, value));
    }

    private static String without(String json, String field) {
        return edit(json, o -> o.remove(field));
    }

    private static String edit(String json, Consumer<ObjectNode> change) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(json);
            change.accept(o);
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertValid(ValidationReport report) {
        assertThat(report.getMessages()).as("validation messages").filteredOn(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    private static void assertInvalid(ValidationReport report) {
        assertThat(report.hasErrors()).as("expected a validation error").isTrue();
    }

    private static String enumName(String code) {
        return code.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static JsonNode readYaml(String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
