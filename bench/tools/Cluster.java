import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cluster mode, cold: {@code --callers} distinct callers (pre-signed JWTs) spread round-robin over the
 * replicas, each asking once cold, then once more on the next replica; writes a markdown section.
 *
 * <p>What it counts, each where it happens:
 * <ul>
 *   <li>at the upstream: the {@link DelayProxy} in front of the STS stamps every AssumeRole on arrival
 *       ({@code /__bench/arrivals?list=1}, microseconds since the epoch);</li>
 *   <li>where a call is charged: Redis {@code MONITOR} output ({@code --monitor}) holds every command
 *       with Redis's own timestamp, including those the budget's Lua script runs; each {@code SET} of
 *       the budget key ({@code --budget-key}) inside the script is one call granted;</li>
 *   <li>at the brokers: {@code broker_upstream_calls_total} and {@code broker_cluster_budget_total} of
 *       every replica (deltas over the run).</li>
 * </ul>
 * Both timestamp series come from the machine's wall clock (the proxy's is one wall-clock reading at
 * its start plus {@code nanoTime} since), so they can be compared: the k-th grant against the k-th
 * arrival gives the delay between charge and arrival (order-matched, an estimate: calls may overtake
 * each other on the way).
 *
 * <pre>
 * java Cluster --replica URL --replica URL ... --metrics URL --metrics URL ... (same order) --role ROLE
 *      --tokens FILE --callers N --concurrency N --budget N --upstream URL --monitor FILE
 *      [--budget-key sts-broker:{budget}] --out FILE [--verdicts FILE]
 * </pre>
 */
public final class Cluster {

    private static final Pattern ACCESS_KEY_ID = Pattern.compile("\"accessKeyId\"\\s*:\\s*\"([^\"]+)\"");
    /** A MONITOR line: {@code 1733086418.123456 [0 lua] "SET" "key" ...}. */
    private static final Pattern MONITOR_LINE = Pattern.compile("^(\\d+)\\.(\\d{6}) \\[\\d+ lua\\] \"SET\" \"([^\"]*)\"");

    private final Args opts;
    private final List<String> replicas;
    private final List<String> metrics;
    private final String role;
    private final int budget;
    private final StringBuilder md = new StringBuilder();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(4, Cluster::daemon)).build();

    private Cluster(Args opts) {
        this.opts = opts;
        this.replicas = opts.all("replica");
        this.metrics = opts.all("metrics");
        this.role = opts.require("role");
        this.budget = opts.integer("budget");
        if (replicas.isEmpty() || replicas.size() != metrics.size()) {
            throw opts.fail("give one --metrics per --replica, in the same order");
        }
    }

    public static void main(String[] args) throws Exception {
        new Cluster(Args.parse("Cluster", args).only("replica", "metrics", "role", "tokens", "callers", "concurrency",
                "budget", "upstream", "monitor", "budget-key", "out", "verdicts")).run();
    }

    record Pass(Map<Integer, Integer> statuses, AtomicReferenceArray<String> keyIds, double seconds) {
        int ok() {
            return statuses.getOrDefault(200, 0);
        }
    }

    private void run() throws Exception {
        int n = opts.integer("callers");
        int concurrency = opts.integer("concurrency");
        String upstream = opts.require("upstream");
        List<String> tokens = BenchJwt.readTokens(Path.of(opts.require("tokens")));
        if (tokens.size() < n) {
            throw opts.fail("--tokens holds " + tokens.size() + " tokens, --callers needs " + n);
        }
        get(upstream + "/__bench/arrivals?reset=1");
        List<Metrics> before = scrapeAll();

        Log.info("cluster: %,d cold callers over %d replicas, %d in flight", n, replicas.size(), concurrency);
        Pass cold = pass(tokens, n, concurrency, 0);
        long arrivalsAfterCold = DelayProxy.field(get(upstream + "/__bench/arrivals"), "arrivals");
        Log.info("cluster: cold pass %.1f s, statuses %s, %,d AssumeRole at the upstream", cold.seconds(),
                Stats.statuses(cold.statuses()), arrivalsAfterCold);
        Pass again = pass(tokens, n, concurrency, 1);
        Thread.sleep(2_000); // stragglers and refreshes would land now
        String arrivalJson = get(upstream + "/__bench/arrivals?window-ms=1000&list=1");
        List<Metrics> after = scrapeAll();
        Log.info("cluster: second pass %.1f s, statuses %s", again.seconds(), Stats.statuses(again.statuses()));

        long[] arrivals = epochMicros(arrivalJson);
        long[] grants = grants(Path.of(opts.require("monitor")), opts.get("budget-key", "sts-broker:{budget}"));
        int arrivalPeak = Stats.peakInWindow(arrivals, 1_000_000L);
        int grantPeak = Stats.peakInWindow(grants, 1_000_000L);
        // Compared for the callers that had a credential from both passes (a cold 503, the budget's wait
        // exceeded, leaves nothing to compare; that caller's one mint happens in the second pass).
        int sameKey = 0;
        int bothServed = 0;
        for (int i = 0; i < n; i++) {
            String a = cold.keyIds().get(i);
            String b = again.keyIds().get(i);
            if (a != null && b != null) {
                bothServed++;
                if (a.equals(b)) {
                    sameKey++;
                }
            }
        }
        double brokerCalls = 0;
        Map<String, Double> budgetByResult = new TreeMap<>();
        for (int r = 0; r < replicas.size(); r++) {
            brokerCalls += after.get(r).upstreamCalls() - before.get(r).upstreamCalls();
            Map<String, Double> b0 = before.get(r).series("broker_cluster_budget_total");
            after.get(r).series("broker_cluster_budget_total").forEach((k, v) -> budgetByResult.merge(
                    k.replaceAll(".*result=\"([^\"]*)\".*", "$1"), v - b0.getOrDefault(k, 0.0), Double::sum));
        }

        md.append("### Cluster: ").append(replicas.size()).append(" replicas, ").append(String.format(Locale.ROOT, "%,d", n))
                .append(" distinct callers\n\n");
        md.append(String.format(Locale.ROOT, "Each caller (a JWT subject `system:serviceaccount:bench:caller-<i>`, signed beforehand) "
                + "asks replica *i* mod %d once (cold), then, after every caller has had its answer, replica *i*+1 mod %d once; "
                + "%d requests in flight across the replicas. The STS sits behind the delay proxy (no delay), which stamps each "
                + "AssumeRole on arrival; Redis `MONITOR` records each budget grant (the `SET` of the budget key inside the "
                + "budget script) with Redis's own clock; `broker.cluster.max-calls-per-second` = %d.%n%n",
                replicas.size(), replicas.size(), concurrency, budget));
        md.append("| pass | requests | statuses | seconds | AssumeRole at the upstream during the pass |\n|---|---:|---|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| cold (replica i mod %d) | %,d | %s | %.1f | %,d |%n", replicas.size(), n,
                Stats.statuses(cold.statuses()), cold.seconds(), arrivalsAfterCold));
        md.append(String.format(Locale.ROOT, "| again (replica i+1 mod %d) | %,d | %s | %.1f | %,d |%n%n", replicas.size(), n,
                Stats.statuses(again.statuses()), again.seconds(), arrivals.length - arrivalsAfterCold));
        md.append(String.format(Locale.ROOT, "- AssumeRole calls: **%,d** at the upstream for **%,d** distinct callers (%,d × %d replicas "
                + "would be %,d); the replicas counted %,.0f (`broker_upstream_calls_total`, all results)%n",
                arrivals.length, n, n, replicas.size(), (long) n * replicas.size(), brokerCalls));
        md.append(String.format(Locale.ROOT, "- Same AccessKeyId from both replicas: %,d of the %,d callers served by both%n",
                sameKey, bothServed));
        md.append(String.format(Locale.ROOT, "- Budget grants (`broker_cluster_budget_total`, all replicas): %s; in `MONITOR`: %,d%n",
                budgetByResult.isEmpty() ? "none" : String.join(", ", budgetByResult.entrySet().stream()
                        .map(e -> e.getKey() + " " + Stats.num(e.getValue(), 0)).toList()), grants.length));
        md.append(String.format(Locale.ROOT, "- Most calls in any sliding 1-second window: **%d at the upstream** (arrivals), "
                + "**%d where charged** (Redis grants); budget %d, so at most %d allowed%n", arrivalPeak, grantPeak, budget, budget + 1));
        md.append("- Per wall-clock second at the upstream: ").append(perSecond(arrivals)).append("\n");
        md.append("- Per wall-clock second in Redis: ").append(perSecond(grants)).append("\n");
        if (grants.length > 0 && arrivals.length > 0) {
            // How long Redis took to grant as many calls as the upstream's busiest second received.
            long w = 1_000L;
            while (w < 60_000_000L && Stats.peakInWindow(grants, w) < arrivalPeak) {
                w += 1_000L;
            }
            md.append(String.format(Locale.ROOT, "- The upstream's busiest second (%d calls) holds as many calls as Redis granted "
                    + "in its busiest %.0f ms%n", arrivalPeak, w / 1000.0));
        }
        if (grants.length == arrivals.length && grants.length > 0) {
            double[] lag = new double[grants.length];
            for (int i = 0; i < lag.length; i++) {
                lag[i] = (arrivals[i] - grants[i]) / 1000.0;
            }
            Arrays.sort(lag);
            md.append(String.format(Locale.ROOT, "- Charge → arrival, k-th grant against k-th arrival (ms; an estimate, calls may "
                    + "overtake each other): p50 %.1f, p99 %.1f, min %.1f, max %.1f%n", Stats.quantile(lag, 0.5),
                    Stats.quantile(lag, 0.99), lag[0], lag[lag.length - 1]));
        } else {
            md.append(String.format(Locale.ROOT, "- Charge → arrival not matched: %,d grants in Redis, %,d arrivals (a degraded "
                    + "replica charges its local share, not Redis; a timed-out attempt that still arrives is charged again "
                    + "for its retry)%n", grants.length, arrivals.length));
        }
        md.append("\n");

        // Every caller must end with a credential (the second pass all 200); cold 503s are reported, not
        // judged here: they are the budget's wait limit on a busy machine, and their one mint comes later.
        boolean served = again.ok() == n;
        verdict("AssumeRole calls for " + String.format(Locale.ROOT, "%,d", n) + " distinct callers on " + replicas.size()
                        + " replicas, each asked twice",
                String.format(Locale.ROOT, "%,d at the upstream%s%s", arrivals.length,
                        cold.ok() == n ? "" : String.format(Locale.ROOT, "; %,d cold requests refused (503)", n - cold.ok()),
                        served ? "" : "; NOT every caller served in the second pass"),
                String.format(Locale.ROOT, "= %,d (distinct callers)", n), arrivals.length == n && served);
        verdict("same AccessKeyId from two replicas", String.format(Locale.ROOT, "%,d of %,d callers served by both", sameKey, bothServed),
                "every one", sameKey == bothServed && bothServed > 0);
        verdict("AssumeRole arrivals at the upstream in any 1 s window, cluster budget " + budget,
                String.valueOf(arrivalPeak), "≤ " + (budget + 1), arrivalPeak <= budget + 1);
        verdict("budget grants in Redis (MONITOR) in any 1 s window", String.valueOf(grantPeak), "≤ " + (budget + 1),
                grantPeak <= budget + 1 && grants.length > 0);
        Files.writeString(Path.of(opts.require("out")), md.toString(), StandardCharsets.UTF_8);
        Log.info("cluster: %,d AssumeRole for %,d callers; peak 1 s window %d at the upstream, %d in Redis (budget %d)",
                arrivals.length, n, arrivalPeak, grantPeak, budget);
    }

    private void verdict(String what, String measured, String threshold, boolean ok) {
        String v = Verdicts.passFail(ok);
        md.append("Verdict: **").append(v).append("**: ").append(what).append(": ").append(measured).append(" (target ")
                .append(threshold).append(").\n\n");
        Verdicts.append(opts.optionalPath("verdicts"), "cluster", what, measured, threshold, v);
    }

    /** Every caller once, caller i to replica (i + shift) mod replicas. */
    private Pass pass(List<String> tokens, int n, int concurrency, int shift) throws InterruptedException {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicReferenceArray<String> keyIds = new AtomicReferenceArray<>(n);
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            int caller = i;
            String base = replicas.get((i + shift) % replicas.size());
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/credentials/" + role))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tokens.get(i)).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
                statuses.merge(t == null ? r.statusCode() : -1, 1, Integer::sum);
                if (t == null && r.statusCode() == 200) {
                    Matcher m = ACCESS_KEY_ID.matcher(r.body());
                    if (m.find()) {
                        keyIds.set(caller, m.group(1));
                    }
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        return new Pass(new TreeMap<>(statuses), keyIds, (System.nanoTime() - start) / 1e9);
    }

    /** Grant times (µs since the epoch, Redis's clock): each SET of the budget key run by the budget script. */
    static long[] grants(Path monitor, String budgetKey) throws IOException {
        try (Stream<String> lines = Files.lines(monitor, StandardCharsets.UTF_8)) {
            return lines.map(MONITOR_LINE::matcher).filter(Matcher::find).filter(m -> m.group(3).equals(budgetKey))
                    .mapToLong(m -> Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2)))
                    .sorted().toArray();
        }
    }

    private static long[] epochMicros(String json) {
        Matcher m = Pattern.compile("\"epochMicros\":\\[([\\d,]*)]").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no epochMicros in the proxy's answer");
        }
        return m.group(1).isEmpty() ? new long[0]
                : Arrays.stream(m.group(1).split(",")).mapToLong(Long::parseLong).sorted().toArray();
    }

    /** Counts per wall-clock second, first to last, space-separated. */
    private static String perSecond(long[] micros) {
        if (micros.length == 0) {
            return "(none)";
        }
        long first = micros[0] / 1_000_000L;
        int[] counts = new int[(int) (micros[micros.length - 1] / 1_000_000L - first + 1)];
        for (long t : micros) {
            counts[(int) (t / 1_000_000L - first)]++;
        }
        return String.join(" ", Arrays.stream(counts).mapToObj(String::valueOf).toList());
    }

    private List<Metrics> scrapeAll() {
        List<Metrics> out = new ArrayList<>();
        for (String m : metrics) {
            out.add(Metrics.scrape(m));
        }
        return out;
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
        return r.body();
    }



    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "cluster");
        t.setDaemon(true);
        return t;
    }
}
