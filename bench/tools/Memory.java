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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap held by cached credentials: the live heap (after a full GC, {@code jcmd GC.run}) with
 * {@code --count} distinct (role, caller) entries cached, minus the live heap with one entry, per
 * entry and for 100,000. Writes a markdown section with the largest classes of the full heap.
 *
 * <p>Callers are distinct JWT subjects (tokens signed beforehand). Both readings are taken the same
 * way: wait out the rate limiter's idle-bucket expiry, touch the broker so Caffeine's maintenance
 * runs, then two full GCs, so the difference is the cache (plus whatever else the broker keeps per
 * caller for longer than a few seconds, which is the point).
 *
 * <pre>
 * java Memory --base URL --metrics URL (its /q/metrics, on the management port) --pid PID --tokens FILE --count N --out FILE [--verdicts FILE]
 *      [--concurrency 32] [--max-mb 250] [--settle-seconds 6]
 * </pre>
 * The token file must hold at least N + 1 tokens: the last one is the warm-up caller.
 */
public final class Memory {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final Args opts;
    private final String base;
    private final long pid;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "memory-http");
                t.setDaemon(true);
                return t;
            })).build();

    private Memory(Args opts) {
        this.opts = opts;
        this.base = opts.require("base");
        this.pid = opts.longValue("pid");
    }

    public static void main(String[] args) throws Exception {
        new Memory(Args.parse("Memory", args)).run();
    }

    record Reading(long usedKb, long rssKb, double cacheSize) {
    }

    private void run() throws Exception {
        int count = opts.integer("count");
        int concurrency = opts.integer("concurrency", 32);
        double maxMb = opts.decimal("max-mb", 250);
        List<String> tokens = BenchJwt.readTokens(Path.of(opts.require("tokens")));
        if (tokens.size() < count + 1) {
            throw new IllegalArgumentException("--tokens holds " + tokens.size() + " tokens, needs " + (count + 1));
        }
        String warmToken = tokens.get(count);
        String url = base + "/v1/credentials/" + opts.require("role");

        // One caller, many requests: every class on the path is loaded and the one entry is cached.
        Map<Integer, Integer> warm = fire(url, List.of(warmToken), 500, 8);
        Log.info("warm-up: %s", warm);
        Reading empty = reading(url, warmToken);
        Log.info("empty-cache reading: used %,d KB, cache size %.0f", empty.usedKb(), empty.cacheSize());

        long t0 = System.nanoTime();
        Map<Integer, Integer> statuses = fire(url, tokens.subList(0, count), 1, concurrency);
        double secs = (System.nanoTime() - t0) / 1e9;
        Log.info("populated %,d callers in %.1f s: %s", count, secs, statuses);
        Reading full = reading(url, warmToken);
        Log.info("full-cache reading: used %,d KB, cache size %.0f", full.usedKb(), full.cacheSize());
        String histogram = jcmd("GC.class_histogram");

        double entries = full.cacheSize() - empty.cacheSize();
        double deltaBytes = (full.usedKb() - empty.usedKb()) * 1024.0;
        double perEntry = entries > 0 ? deltaBytes / entries : Double.NaN;
        double mbFor100k = perEntry * 100_000 / 1e6;
        boolean ok = mbFor100k <= maxMb && statuses.getOrDefault(200, 0) == count;

        StringBuilder md = new StringBuilder("### Memory: heap per cached credential\n\n");
        md.append(String.format(Locale.ROOT, "%,d distinct callers (JWT subjects), one request each, %d at a time: "
                + "%.1f s, statuses %s. Live heap read with `jcmd <pid> GC.run` (twice) then `GC.heap_info`, after waiting "
                + "%s s for idle per-caller state to expire and touching the broker so caches run their maintenance.%n%n",
                count, concurrency, secs, statuses, opts.get("settle-seconds", "6")));
        md.append("| reading | cached entries (`broker_cache_size`) | live heap MiB | process RSS MiB |\n|---|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| one cached entry (after warm-up) | %.0f | %.1f | %.1f |%n", empty.cacheSize(),
                empty.usedKb() / 1024.0, empty.rssKb() / 1024.0));
        md.append(String.format(Locale.ROOT, "| after %,d callers | %.0f | %.1f | %.1f |%n%n", count, full.cacheSize(),
                full.usedKb() / 1024.0, full.rssKb() / 1024.0));
        md.append(String.format(Locale.ROOT, "Per entry: **%,.0f bytes** of live heap (%.1f MiB over %,.0f entries). "
                + "For 100,000 entries: **%.1f MB** (10^6 bytes)%s.%n%n", perEntry, deltaBytes / 1048576, entries, mbFor100k,
                count == 100_000 ? ", measured" : ", extrapolated linearly from " + String.format(Locale.ROOT, "%,d", count)));
        md.append("<details><summary>Largest classes on the heap with the full cache (<code>jcmd GC.class_histogram</code>, top 15)</summary>\n\n```\n")
                .append(topOfHistogram(histogram, 15)).append("```\n\n</details>\n\n");
        String measured = String.format(Locale.ROOT, "%,.0f B/entry → %.1f MB per 100,000%s", perEntry, mbFor100k,
                count == 100_000 ? "" : " (extrapolated from " + String.format(Locale.ROOT, "%,d", count) + ")");
        String verdict = Verdicts.passFail(ok) + (statuses.getOrDefault(200, 0) == count ? "" : " (not every request was a 200)");
        md.append("Verdict: **").append(verdict).append("** (").append(measured).append("; target ≤ ")
                .append(Stats.num(maxMb, 0)).append(" MB).\n\n");
        Files.writeString(Path.of(opts.require("out")), md.toString(), StandardCharsets.UTF_8);
        Verdicts.append(opts.optionalPath("verdicts"), "memory",
                "heap for 100,000 cached entries (~1 KB tokens)", measured, "≤ " + Stats.num(maxMb, 0) + " MB", verdict);
    }

    /** {@code perToken} requests for each token, {@code concurrency} at a time; statuses counted (-1: no answer). */
    private Map<Integer, Integer> fire(String url, List<String> tokens, int perToken, int concurrency) throws InterruptedException {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        int total = tokens.size() * perToken;
        int step = Math.max(1, total / 10);
        for (int i = 0; i < total; i++) {
            inFlight.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + tokens.get(i / perToken)).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                statuses.merge(t == null ? r.statusCode() : -1, 1, Integer::sum);
                int d = done.incrementAndGet();
                if (total >= 10_000 && d % step == 0) {
                    Log.info("  %,d / %,d", d, total);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        inFlight.release(concurrency);
        return new TreeMap<>(statuses);
    }

    private Reading reading(String url, String warmToken) throws Exception {
        Thread.sleep(opts.integer("settle-seconds", 6) * 1000);
        fire(url, List.of(warmToken), 50, 4); // reads and writes drive Caffeine's expiry of idle entries
        jcmd("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no 'used NK' in GC.heap_info:\n" + info);
        }
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        double size = Metrics.scrape(opts.require("metrics")).get("broker_cache_size");
        return new Reading(Long.parseLong(m.group(1)), rss.find() ? Long.parseLong(rss.group(1)) : -1, size);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }

    private static String topOfHistogram(String histogram, int rows) {
        List<String> out = new ArrayList<>();
        for (String line : histogram.split("\n")) {
            if (line.contains("num") && line.contains("#instances")) {
                out.add(line);
            } else if (line.matches("\\s*-+\\s*")) {
                out.add(line);
            } else if (line.matches("\\s*\\d+:\\s+\\d+.*") && out.size() < rows + 2) {
                out.add(line);
            } else if (line.startsWith("Total")) {
                out.add(line);
            }
        }
        return String.join("\n", out) + "\n";
    }


}
