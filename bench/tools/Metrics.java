import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of the broker's Prometheus endpoint ({@code /q/metrics}): every sample line as
 * {@code series -> value}, where series is the name with its labels exactly as printed, e.g.
 * {@code broker_upstream_calls_total{result="Success"}}.
 */
final class Metrics {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> samples;

    private Metrics(Map<String, Double> samples) {
        this.samples = samples;
    }

    static Metrics scrape(String metricsUrl) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(metricsUrl + " answered " + r.statusCode());
            }
            return parse(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(metricsUrl + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Metrics parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return new Metrics(m);
    }

    /** The value of one series (name with labels as printed), or 0 when absent (a counter not yet incremented). */
    double get(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** The sum of every series of metric {@code name}, whatever its labels. */
    double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String k = e.getKey();
            if (k.equals(name) || (k.startsWith(name) && k.charAt(name.length()) == '{')) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** Every series of metric {@code name} with its value, labels as printed. */
    Map<String, Double> series(String name) {
        Map<String, Double> out = new LinkedHashMap<>();
        samples.forEach((k, v) -> {
            if (k.equals(name) || (k.startsWith(name) && k.charAt(name.length()) == '{')) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** AssumeRole attempts of every result: {@code broker_upstream_calls_total} summed over its {@code result} tag. */
    double upstreamCalls() {
        return sum("broker_upstream_calls_total");
    }
}
