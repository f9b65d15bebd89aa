import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many STS calls the broker makes for a burst of requests, counted from the broker's own
 * {@code broker_upstream_calls_total} (every {@code result}), and writes a markdown section.
 *
 * <ol>
 *   <li><b>Stampede</b>: {@code --stampede} requests (default 1,000) for one (role, caller) nobody has
 *       asked for yet, released together: all sockets are connected and every request written but
 *       its last two bytes, then the last bytes go out in one tight loop. Target: exactly 1 AssumeRole
 *       per trial, and every 200 carries the same AccessKeyId. Each trial uses a fresh caller.</li>
 *   <li><b>Cold callers</b>: {@code --cold} distinct callers (default 10,000; JWT subjects signed
 *       beforehand, one request each) as fast as {@code --cold-concurrency} connections allow, while
 *       a sampler scrapes {@code /q/metrics} every second. Target: no interval shows more STS calls than
 *       {@code --budget} per second plus the limiter's burst allowance ({@code --budget-burst}).</li>
 * </ol>
 *
 * <pre>
 * java Amplification --base http://127.0.0.1:PORT --metrics http://127.0.0.1:MPORT/q/metrics --role ROLE --keys DIR
 *      --run-id ID --tokens FILE
 *      [--cold-base URL (the broker for the cold callers; default --base)]
 *      [--cold-metrics URL (its /q/metrics, on its management port; default --metrics)]
 *      [--upstream URL (DelayProxy in front of that broker's STS: its arrival times decide the verdict)]
 *      --out FILE [--verdicts FILE] [--stampede 1000] [--trials 3] [--cold 10000] [--cold-concurrency 256]
 *      [--budget 50] [--budget-burst 5]
 * </pre>
 */
public final class Amplification {

    private static final Pattern ACCESS_KEY_ID = Pattern.compile("\"accessKeyId\"\\s*:\\s*\"([^\"]+)\"");

    private final Args opts;
    private final String base;
    /** {@code /q/metrics} of the broker at {@link #base}: the management port in the prod profile. */
    private final String metrics;
    private final URI baseUri;
    private final String role;
    private final StringBuilder md = new StringBuilder();
    private final Path verdicts;

    private Amplification(Args opts) {
        this.opts = opts;
        this.base = opts.require("base");
        this.metrics = opts.require("metrics");
        this.baseUri = URI.create(base);
        this.role = opts.require("role");
        this.verdicts = opts.optionalPath("verdicts");
    }

    public static void main(String[] args) throws Exception {
        new Amplification(Args.parse("Amplification", args)).run();
    }

    private void run() throws Exception {
        md.append("### Amplification: STS calls per burst\n\n");
        stampede();
        cold();
        Files.writeString(Path.of(opts.require("out")), md.toString(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- stampede

    private void stampede() throws Exception {
        int n = opts.integer("stampede", 1000);
        int trials = opts.integer("trials", 3);
        BenchJwt jwt = BenchJwt.load(Path.of(opts.require("keys")));
        md.append(String.format(Locale.ROOT, "**Stampede.** %,d concurrent first requests for one (role, caller), "
                + "released together (all connected and written but for the last 2 bytes, then released in one loop); "
                + "%d trial(s), each with a caller never seen before. STS calls are the delta of "
                + "`broker_upstream_calls_total` (all results) across the trial.%n%n", n, trials));
        md.append("| trial | caller | STS calls | responses (status: count) | distinct AccessKeyIds | misses (joined the in-flight call) | release → last response ms |\n");
        md.append("|---:|---|---:|---|---:|---:|---:|\n");
        List<Double> calls = new ArrayList<>();
        boolean allSame = true;
        for (int trial = 1; trial <= trials; trial++) {
            String sub = "system:serviceaccount:bench:stampede-" + opts.require("run-id") + "-" + trial;
            String token = jwt.sign(sub, BenchJwt.DEFAULT_TTL_SECONDS);
            Metrics before = Metrics.scrape(metrics);
            StampedeResult r = stampedeOnce(n, token);
            Thread.sleep(500); // a straggling STS call would be counted on completion
            Metrics after = Metrics.scrape(metrics);
            double c = after.upstreamCalls() - before.upstreamCalls();
            double misses = after.get("broker_cache_requests_total{result=\"miss\"}")
                    - before.get("broker_cache_requests_total{result=\"miss\"}");
            calls.add(c);
            allSame &= r.accessKeyIds().size() == 1 && r.statuses().getOrDefault(200, 0) == n;
            md.append(String.format(Locale.ROOT, "| %d | `%s` | %.0f | %s | %d | %.0f | %.0f |%n", trial, sub, c,
                    Stats.statuses(r.statuses()), r.accessKeyIds().size(), misses, r.millis()));
            Log.info("stampede trial %d: %.0f STS call(s), statuses %s, %d distinct AccessKeyIds", trial, c,
                    Stats.statuses(r.statuses()), r.accessKeyIds().size());
        }
        boolean ok = calls.stream().allMatch(c -> c == 1.0);
        String measured = "STS calls per trial: " + Stats.join(Stats.toArray(calls), 0)
                + (allSame ? "; every response 200 with one AccessKeyId" : "; NOT every response was a 200 with one AccessKeyId");
        String verdict = Verdicts.passFail(ok && allSame);
        md.append("\n").append("Verdict: **").append(verdict).append("** (").append(measured).append("; target exactly 1).\n\n");
        Verdicts.append(verdicts, "amplification", String.format(Locale.ROOT, "%,d concurrent first requests, one (role, caller)", n),
                measured, "exactly 1 AssumeRole", verdict);
    }

    record StampedeResult(Map<Integer, Integer> statuses, Set<String> accessKeyIds, double millis) {
    }

    private StampedeResult stampedeOnce(int n, String token) throws Exception {
        String hostHeader = baseUri.getHost() + ":" + baseUri.getPort();
        byte[] request = ("GET /v1/credentials/" + role + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAuthorization: Bearer " + token + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.setSoTimeout(30_000);
                s.connect(new InetSocketAddress(baseUri.getHost(), baseUri.getPort()), 10_000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                s.getOutputStream().write(request, 0, request.length - 2);
                s.getOutputStream().flush();
            }
            Thread.sleep(200); // let the server read every partial request before the release
            long released = System.nanoTime();
            for (Socket s : sockets) {
                OutputStream out = s.getOutputStream();
                out.write(request, request.length - 2, 2);
                out.flush();
            }
            ExecutorService readers = Executors.newFixedThreadPool(32, Amplification::daemon);
            try {
                List<Future<String>> responses = new ArrayList<>();
                for (Socket s : sockets) {
                    responses.add(readers.submit(() -> readAll(s.getInputStream())));
                }
                Map<Integer, Integer> statuses = new TreeMap<>();
                Set<String> keys = new HashSet<>();
                for (Future<String> f : responses) {
                    String resp;
                    try {
                        resp = f.get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        statuses.merge(-1, 1, Integer::sum);
                        continue;
                    }
                    int status = resp.length() >= 12 && resp.startsWith("HTTP/1.") ? Integer.parseInt(resp.substring(9, 12)) : -1;
                    statuses.merge(status, 1, Integer::sum);
                    Matcher m = ACCESS_KEY_ID.matcher(resp);
                    if (status == 200 && m.find()) {
                        keys.add(m.group(1));
                    }
                }
                return new StampedeResult(statuses, keys, (System.nanoTime() - released) / 1e6);
            } finally {
                readers.shutdownNow();
            }
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- cold callers

    private void cold() throws Exception {
        int n = opts.integer("cold", 10000);
        int concurrency = opts.integer("cold-concurrency", 256);
        int budget = opts.integer("budget", 50);
        int burst = opts.integer("budget-burst", Math.max(1, budget / 10));
        // The broker under test for this part, and the proxy in front of its STS (arrival times), if any.
        String base = opts.get("cold-base", this.base);
        String metrics = opts.get("cold-metrics", this.metrics);
        String upstream = opts.get("upstream");
        List<String> tokens = BenchJwt.readTokens(Path.of(opts.require("tokens")));
        if (tokens.size() < n) {
            throw new IllegalArgumentException("--tokens holds " + tokens.size() + " tokens, --cold needs " + n);
        }
        md.append(String.format(Locale.ROOT, "**Cold callers.** %,d distinct callers (JWT subjects `system:serviceaccount:bench:caller-<i>`, "
                + "signed before the burst), one first request each, %d at a time, as fast as the broker answers. "
                + (upstream != null
                ? "The broker reaches STS through the delay proxy (no delay), which timestamps every AssumeRole as it "
                + "arrives: the target is that no sliding 1-second window of arrivals holds more than the budget "
                + "(`broker.sts.max-calls-per-second` = %d) plus one (a bucket of one token refilled at that rate). "
                + "`/q/metrics` is also scraped every second, for the series below; it counts calls when they *complete* "
                + "and is read whenever the scrape gets through, so its per-interval figures are coarse (burst allowance %d).%n%n"
                : "`/q/metrics` is scraped every second; each interval's STS calls are compared with the budget "
                + "(`broker.sts.max-calls-per-second` = %d) plus a burst allowance of %d (a token bucket may spend "
                + "its stored tokens at once; the sampler cannot align with the limiter's own windows).%n%n"),
                n, concurrency, budget, burst));
        if (upstream != null) {
            get(upstream + "/__bench/arrivals?reset=1");
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(4, Amplification::daemon)).build();
        List<long[]> samples = new CopyOnWriteArrayList<>(); // {elapsed ms, calls}
        Map<String, Double> firstByResult = Metrics.scrape(metrics).series("broker_upstream_calls_total");
        long start = System.nanoTime();
        var sampler = Executors.newSingleThreadScheduledExecutor(Amplification::daemon);
        sampler.scheduleAtFixedRate(() -> {
            try {
                double calls = Metrics.scrape(metrics).upstreamCalls();
                samples.add(new long[]{(System.nanoTime() - start) / 1_000_000, (long) calls});
            } catch (RuntimeException e) {
                Log.info("metrics sample failed: %s", e);
            }
        }, 0, 1, TimeUnit.SECONDS);
        Thread.sleep(2_000); // a flat start: at least two samples before the burst

        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        long burstStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/credentials/" + role))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tokens.get(i)).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                statuses.merge(t == null ? r.statusCode() : -1, 1, Integer::sum);
                done.incrementAndGet();
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
        Thread.sleep(3_000); // refreshes, retries and stragglers land after the last response
        sampler.shutdown();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        Map<String, Double> lastByResult = Metrics.scrape(metrics).series("broker_upstream_calls_total");

        // Per-interval STS calls, normalised to one second.
        List<String> series = new ArrayList<>();
        double peakPerSecond = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        long total = 0;
        for (int i = 1; i < samples.size(); i++) {
            long[] a = samples.get(i - 1);
            long[] b = samples.get(i);
            double secs = (b[0] - a[0]) / 1000.0;
            long c = b[1] - a[1];
            total += c;
            series.add(String.valueOf(c));
            peakPerSecond = Math.max(peakPerSecond, c / secs);
            worstExcess = Math.max(worstExcess, c - (budget * secs + burst));
        }
        List<String> byResult = new ArrayList<>();
        lastByResult.forEach((k, v) -> {
            double d = v - firstByResult.getOrDefault(k, 0.0);
            if (d != 0) {
                byResult.add(k.replaceAll(".*result=\"([^\"]*)\".*", "$1") + ": " + String.format(Locale.ROOT, "%,.0f", d));
            }
        });
        boolean ok = worstExcess <= 0;
        String arrivals = upstream == null ? null : get(upstream + "/__bench/arrivals?window-ms=1000");
        long upstreamPeak = arrivals == null ? -1 : DelayProxy.field(arrivals, "peak");
        long upstreamCalls = arrivals == null ? -1 : DelayProxy.field(arrivals, "arrivals");
        if (arrivals != null) {
            ok = upstreamPeak <= budget + 1;
        }
        md.append(String.format(Locale.ROOT, "- burst: %,d requests answered in %.1f s; statuses %s%n", done.get(), burstSeconds,
                Stats.statuses(new TreeMap<>(statuses))));
        md.append(String.format(Locale.ROOT, "- STS calls: %,d in all (%s); peak %.1f per second; "
                + "the interval furthest over (budget × interval + burst) was %+.1f calls%n", total, String.join(", ", byResult), peakPerSecond, worstExcess));
        md.append("- STS calls per ~1 s sample interval: ").append(String.join(" ", series)).append("\n\n");
        if (arrivals != null) {
            md.append(String.format(Locale.ROOT, "- At the upstream (proxy arrivals): %,d AssumeRole calls; at most **%d** in any sliding 1-second window%n%n",
                    upstreamCalls, upstreamPeak));
        }
        String measured = arrivals != null
                ? String.format(Locale.ROOT, "at most %d AssumeRole arrivals at the upstream in any 1 s window, %,d cold callers (%,d calls in all)",
                        upstreamPeak, n, upstreamCalls)
                : String.format(Locale.ROOT, "peak %.1f STS calls/s over %,d cold callers (%,d calls in all)", peakPerSecond, n, total);
        String threshold = arrivals != null
                ? String.format(Locale.ROOT, "≤ %d (budget + 1) in every 1 s window", budget + 1)
                : String.format(Locale.ROOT, "≤ %d/s (+%d burst) in every interval", budget, burst);
        String verdict = Verdicts.passFail(ok);
        md.append("Verdict: **").append(verdict).append("** (").append(measured).append("; ").append(threshold).append(").\n\n");
        Verdicts.append(verdicts, "amplification", String.format(Locale.ROOT, "%,d distinct callers cold: STS calls per second", n),
                measured, threshold, verdict);
        Log.info("cold callers: %d requests in %.1f s, statuses %s, peak %.1f STS calls/s", done.get(), burstSeconds,
                Stats.statuses(new TreeMap<>(statuses)), peakPerSecond);
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
        return r.body();
    }


    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "amplification");
        t.setDaemon(true);
        return t;
    }



}
