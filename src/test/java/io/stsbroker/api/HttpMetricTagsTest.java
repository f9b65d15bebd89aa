package io.stsbroker.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anonymous requests to 500 random paths (answered 401, 404, 405 or 413) add no {@code uri} value
 * to the HTTP server metrics beyond the API's own templates and one {@code UNKNOWN}, and every real
 * endpoint used afterwards still gets its own series. Runs with {@code broker.http.warm-route} on,
 * and off in {@link HttpMetricTagsWarmRouteOffTest}.
 */
@QuarkusTest
class HttpMetricTagsTest {

    private static final Pattern URI_TAG = Pattern.compile("^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"",
            Pattern.MULTILINE);

    @TestHTTPResource("/")
    URL base;

    @Test
    void randomPathsCollapseIntoOneUriValueAndRealEndpointsKeepTheirs() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Random random = new Random(20261201L);
        Map<Integer, Integer> statuses = new TreeMap<>();
        String[] prefixes = {"/", "/v1/", "/v1/admin/", "/api/v1/", "/v1/roles/", "/junk/", "/v1/credentials/x/", "/q/"};
        for (int i = 0; i < 500; i++) {
            String path = prefixes[(i / 8) % prefixes.length] + Long.toHexString(random.nextLong());
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path));
            HttpRequest request = switch (i % 8) {
                case 0 -> b.GET().build();
                case 1 -> b.header("Authorization", "Bearer not-a-key-" + i).GET().build();
                case 2 -> b.POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build();
                case 3 -> b.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[17 * 1024]))
                        .header("Content-Type", "application/json").build();
                case 4 -> b.header("X-Padding", "p".repeat(17 * 1024)).GET().build();
                case 5 -> b.method("PUT", HttpRequest.BodyPublishers.noBody()).build();
                case 6 -> b.method("DELETE", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer a.b.c").build();
                default -> b.method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
            };
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException closed) {
                status = 0; // the broker closed the connection (after a 413 or 431 it does): junk all the same
            }
            statuses.merge(status, 1, Integer::sum);
        }
        assertThat(statuses.keySet()).as("the refusals the junk should meet").contains(401, 404, 413, 431);

        String reporting = TestKeys.bearer(TestKeys.REPORTING);
        given().header("Authorization", reporting).get("/api/v1/status").then().statusCode(200);
        given().header("Authorization", reporting).get("/v1/roles").then().statusCode(200);
        given().header("Authorization", reporting).get("/v1/credentials/search-reader").then().statusCode(200);
        given().header("Authorization", reporting).contentType("application/json").body("{\"role\":\"search-reader\"}")
                .post("/v1/credentials").then().statusCode(200);
        given().header("Authorization", TestKeys.bearer("hardening-admin-key")).contentType("application/json")
                .body("{\"role\":\"uri-tags-nothing-cached\"}").post("/v1/admin/invalidate").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> uris = new TreeSet<>();
        Matcher m = URI_TAG.matcher(metrics);
        while (m.find()) {
            uris.add(m.group(1));
        }
        assertThat(uris).as("uri values after 500 random paths (statuses %s)", statuses)
                .contains("/api/v1/status", "/v1/roles", "/v1/credentials/{role}", "/v1/credentials",
                        "/v1/admin/invalidate", HttpMetricTags.UNKNOWN)
                .allSatisfy(u -> assertThat(u).isIn(allowed()))
                .hasSizeLessThanOrEqualTo(9);
    }

    private static Set<String> allowed() {
        Set<String> s = new HashSet<>(HttpMetricTags.TEMPLATES);
        s.addAll(Set.of("NOT_FOUND", "REDIRECTION", HttpMetricTags.UNKNOWN, "root"));
        return s;
    }

    /** The template list is the API's: every path of openapi.yaml outside /q/, and nothing else. */
    @Test
    void templatesAreExactlyTheApiPathsOfTheContract() throws Exception {
        Set<String> contract = new TreeSet<>();
        Matcher m = Pattern.compile("^  (/[^:]*):\\s*$", Pattern.MULTILINE).matcher(Files.readString(Path.of("openapi.yaml")));
        while (m.find()) {
            if (!m.group(1).startsWith("/q/")) {
                contract.add(m.group(1));
            }
        }
        assertThat(new TreeSet<>(HttpMetricTags.TEMPLATES)).isEqualTo(contract);
    }
}
