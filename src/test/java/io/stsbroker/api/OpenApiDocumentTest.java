package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The spec the running broker serves is the repository's openapi.yaml, byte for byte, and the same document as JSON. */
@QuarkusTest
class OpenApiDocumentTest {

    private static Set<String> operations(JsonNode spec) {
        Set<String> ops = new TreeSet<>();
        spec.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                ops.add(method.toUpperCase() + " " + path.getKey() + " " + path.getValue().path(method).path("operationId").asText());
            }
        }));
        return ops;
    }

    @Test
    void servedSpecHasExactlyTheOperationsOfOpenapiYaml() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode file = yaml.readTree(Path.of("openapi.yaml").toFile());
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        JsonNode servedSpec = yaml.readTree(served);
        assertThat(operations(file)).isNotEmpty();
        assertThat(operations(servedSpec)).isEqualTo(operations(file));
        assertThat(servedSpec.path("components").path("securitySchemes").size())
                .isEqualTo(file.path("components").path("securitySchemes").size());
    }

    @Test
    void servedYamlIsTheRepositoryFileByteForByte() throws Exception {
        byte[] served = given().get("/q/openapi").then().statusCode(200)
                .contentType("application/yaml;charset=UTF-8").extract().asByteArray();
        assertThat(served).isEqualTo(java.nio.file.Files.readAllBytes(Path.of("openapi.yaml")));
    }

    @Test
    void jsonFormIsTheSameDocument() throws Exception {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(Path.of("openapi.yaml").toFile());
        String byQuery = given().get("/q/openapi?format=json").then().statusCode(200)
                .contentType("application/json;charset=UTF-8").extract().asString();
        String byAccept = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(new ObjectMapper().readTree(byQuery)).isEqualTo(file);
        assertThat(new ObjectMapper().readTree(byAccept)).isEqualTo(file);
    }
}
