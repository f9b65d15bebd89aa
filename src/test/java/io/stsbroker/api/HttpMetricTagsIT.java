package io.stsbroker.api;

import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar in the prod profile, where the defect was seen: anonymous junk to random paths,
 * above all requests whose headers pass Vert.x's 32 KiB cap but not the broker's own 16 KiB limit
 * (answered 431 by the broker's handler), adds no {@code uri} series; the real endpoints used after
 * it still get theirs. Before the fix, each such path became a series of its own (seen by hand on
 * the jar of that time) until Quarkus's cap of 100 {@code uri} values was reached.
 */
class HttpMetricTagsIT {

    private static final Pattern URI_TAG = Pattern.compile("^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"",
            Pattern.MULTILINE);
    private static final String KEY = "metric-tags-it-key";

    @ParameterizedTest(name = "warm route {0}")
    @ValueSource(booleans = {true, false})
    void junkOnRandomPathsAddsNoUriSeriesAndRealEndpointsKeepTheirs(boolean warmRoute) throws Exception {
        List<String> props = List.of("-Dbroker.sts.provider=embedded",
                "-Dbroker.http.warm-route=" + warmRoute,
                "-Dbroker.api-keys.tags=" + sha256(KEY),
                "-Dbroker.admin.allow=apikey:tags",
                "-Dbroker.roles.tags-role.arn=acs:ram::1234567890123456:role/tags-role",
                "-Dbroker.roles.tags-role.allow=apikey:tags");
        try (PackagedBroker broker = PackagedBroker.start(props)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Random random = new Random(20261201L);
            Map<Integer, Integer> statuses = new TreeMap<>();
            String padding = "p".repeat(20 * 1024);
            for (int i = 0; i < 300; i++) {
                URI uri = broker.api().resolve("/junk-" + Long.toHexString(random.nextLong()));
                HttpRequest.Builder b = HttpRequest.newBuilder(uri);
                HttpRequest request = switch (i % 4) {
                    case 0 -> b.header("X-Padding", padding).GET().build();
                    case 1 -> b.GET().build();
                    case 2 -> b.header("Authorization", "Bearer " + KEY).GET().build();
                    default -> b.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[20 * 1024])).build();
                };
                int status;
                try {
                    status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException closed) {
                    status = 0; // closed after a 413 or 431: junk all the same
                }
                statuses.merge(status, 1, Integer::sum);
            }
            assertThat(statuses.keySet()).as("the refusals the junk met").contains(404, 431);

            String bearer = "Bearer " + KEY;
            assertThat(send(http, get(broker.api().resolve("/api/v1/status"), bearer))).isEqualTo(200);
            assertThat(send(http, get(broker.api().resolve("/v1/roles"), bearer))).isEqualTo(200);
            assertThat(send(http, get(broker.api().resolve("/v1/credentials/tags-role"), bearer))).isEqualTo(200);
            assertThat(send(http, post(broker.api().resolve("/v1/credentials"), bearer, "{\"role\":\"tags-role\"}")))
                    .isEqualTo(200);
            assertThat(send(http, post(broker.api().resolve("/v1/admin/invalidate"), bearer, "{\"role\":\"tags-role\"}")))
                    .isEqualTo(200);

            String metrics = http.send(HttpRequest.newBuilder(broker.management().resolve("/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> uris = new TreeSet<>();
            Matcher m = URI_TAG.matcher(metrics);
            while (m.find()) {
                uris.add(m.group(1));
            }
            Set<String> allowed = new HashSet<>(HttpMetricTags.TEMPLATES);
            allowed.addAll(Set.of("NOT_FOUND", "REDIRECTION", HttpMetricTags.UNKNOWN, "root"));
            assertThat(uris).as("uri values after 300 junk requests (statuses %s)", statuses)
                    .contains("/api/v1/status", "/v1/roles", "/v1/credentials/{role}", "/v1/credentials",
                            "/v1/admin/invalidate")
                    .allSatisfy(u -> assertThat(u).isIn(allowed))
                    .hasSizeLessThanOrEqualTo(9);
        }
    }

    private static HttpRequest get(URI uri, String bearer) {
        return HttpRequest.newBuilder(uri).header("Authorization", bearer).GET().build();
    }

    private static HttpRequest post(URI uri, String bearer, String json) {
        return HttpRequest.newBuilder(uri).header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static int send(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
