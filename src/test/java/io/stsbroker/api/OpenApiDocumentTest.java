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

/** The spec the running broker serves is the repository's openapi.yaml, path for path and operation for operation. */
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
}
