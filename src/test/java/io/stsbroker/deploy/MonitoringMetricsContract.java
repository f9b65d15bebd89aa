package io.stsbroker.deploy;

import io.stsbroker.deploy.MonitoringFiles.Alert;
import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the alert rules and the dashboard read exists in the broker's own {@code /q/metrics}
 * (the packaged jar, production profile, scraped on its management port as Prometheus does) after
 * a scripted set of requests: a mint and a cached hand-out, a refused token, a caller over its rate
 * limit, and a role catalogue file that is rejected and then reloaded. Run with the warm route on
 * ({@link MonitoringMetricsIT}) and off ({@link MonitoringMetricsWarmRouteOffIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MonitoringMetricsContract {

    /** Series Prometheus makes itself for every target; the broker cannot serve them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /** Labels Prometheus adds from the target (ServiceMonitor), not the broker. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "namespace", "instance", "pod");

    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = "monitoring-it-" + HexFormat.of().formatHex(new byte[] {7, 1, 9, 4, 2, 8});
    private static final String ROLES = """
            roles:
              metrics-lab:
                arn: acs:ram::1234567890123456:role/metrics-lab
                allow:
                  - apikey:metrics
            """;

    private Path dir;
    private PackagedBroker broker;
    /** Metric name to the label sets of its series. */
    private Map<String, List<Map<String, String>>> scraped;
    private String text;

    /** {@code -D} properties of this run on top of the script's own. */
    abstract List<String> properties();

    @BeforeAll
    void runTheScript() throws Exception {
        dir = Files.createTempDirectory("monitoring-it");
        Path roles = dir.resolve("roles.yaml");
        Files.writeString(roles, ROLES);
        List<String> props = new ArrayList<>(List.of("-Dbroker.sts.provider=embedded",
                "-Dbroker.api-keys.metrics=" + sha256(KEY),
                "-Dbroker.roles-file=" + roles,
                "-Dbroker.roles-file-poll-interval=100ms",
                // One request per second and caller: a burst of requests is partly refused (429).
                "-Dbroker.rate-limit.per-caller=1"));
        props.addAll(properties());
        broker = PackagedBroker.start(props);

        assertThat(get(broker.api().resolve("/v1/credentials/metrics-lab"), KEY).statusCode()).isEqualTo(200);
        List<Integer> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(get(broker.api().resolve("/v1/credentials/metrics-lab"), KEY).statusCode());
        }
        assertThat(burst).as("a cached hand-out and a refusal by the per-caller limit").contains(429).allMatch(c -> c == 200 || c == 429);
        assertThat(get(broker.api().resolve("/v1/credentials/metrics-lab"), "not-a-key").statusCode()).isEqualTo(401);
        assertThat(get(broker.api().resolve("/v1/credentials/metrics-lab"), null).statusCode()).isEqualTo(401);

        Files.writeString(roles, "roles:\n  broken: {arn: not-an-arn}\n");
        awaitSeries("broker_roles_reloads_total", "result", "rejected");
        Files.writeString(roles, ROLES.replace("apikey:metrics", "apikey:metrics\n      - apikey:other"));
        awaitSeries("broker_roles_reloads_total", "result", "success");

        text = body(broker.management().resolve("/q/metrics"));
        scraped = parse(text);
    }

    @AfterAll
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void everyMetricTheAlertsReadIsServed() {
        Set<String> missing = new TreeSet<>();
        for (Alert alert : MonitoringFiles.alerts()) {
            missing.addAll(absent(alert.expr()));
        }
        assertThat(missing).as("metrics the alert rules read that /q/metrics does not serve").isEmpty();
    }

    @Test
    void everyMetricTheDashboardReadsIsServed() {
        Set<String> missing = new TreeSet<>();
        for (String query : MonitoringFiles.dashboardQueries()) {
            missing.addAll(absent(query));
        }
        assertThat(missing).as("metrics the dashboard reads that /q/metrics does not serve").isEmpty();
    }

    @Test
    void everyLabelTheRulesAndTheDashboardMatchOnIsServed() {
        List<String> problems = new ArrayList<>();
        List<String> queries = new ArrayList<>(MonitoringFiles.dashboardQueries());
        MonitoringFiles.alerts().forEach(a -> queries.add(a.expr()));
        for (String query : queries) {
            Matcher s = SELECTOR.matcher(query);
            while (s.find()) {
                List<Map<String, String>> series = scraped.getOrDefault(s.group(1), List.of());
                Matcher m = MATCHER.matcher(s.group(2));
                while (m.find()) {
                    String label = m.group(1);
                    if (series.isEmpty() || TARGET_LABELS.contains(label)) {
                        continue;
                    }
                    boolean found = m.group(2).equals("=")
                            ? series.stream().anyMatch(l -> m.group(3).equals(l.get(label)))
                            : series.stream().anyMatch(l -> l.containsKey(label));
                    if (!found) {
                        problems.add(s.group(1) + "{" + label + m.group(2) + "\"" + m.group(3) + "\"}");
                    }
                }
            }
        }
        assertThat(problems).as("label matchers no served series satisfies").isEmpty();
    }

    @Test
    void authenticationFailuresAreServedByReason() {
        // The agreed contract the by-reason alert and panel group on.
        assertThat(scraped.get("broker_auth_failures_total")).isNotNull()
                .anySatisfy(labels -> assertThat(labels).containsKey("reason"));
    }

    @Test
    void remainingLifetimeHasBucketsAtTheFloorAndFiveMinutesAbove() {
        assertThat(scraped.get("broker_credentials_remaining_seconds_bucket"))
                .extracting(l -> l.get("le")).contains("1200.0", "1500.0");
    }

    @Test
    void readinessIsServedAsAMetric() {
        assertThat(text).containsPattern("(?m)^broker_sts_provider_ready(\\{[^}]*})? 1\\.0$");
    }

    /** The metric names {@code query} reads that were not scraped. */
    private Set<String> absent(String query) {
        Set<String> out = new TreeSet<>();
        for (String name : MonitoringFiles.metricNames(query)) {
            if (!PROMETHEUS_OWN.contains(name) && !scraped.containsKey(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private void awaitSeries(String name, String label, String value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (parse(body(broker.management().resolve("/q/metrics"))).getOrDefault(name, List.of()).stream()
                    .anyMatch(l -> value.equals(l.get(label)))) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError(name + "{" + label + "=\"" + value + "\"} never appeared; broker output:\n" + broker.output());
    }

    private static Map<String, List<Map<String, String>>> parse(String exposition) {
        Map<String, List<Map<String, String>>> out = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        return out;
    }

    private static HttpResponse<String> get(URI uri, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String body(URI uri) throws Exception {
        HttpResponse<String> r = get(uri, null);
        assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
        return r.body();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
