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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives {@code wrk} against several targets in alternating rounds and writes a markdown section.
 *
 * <p>Every target is warmed up once, then each round runs every target once, in the same order
 * (baseline, key, jwt, uri, baseline, ...), so slow drift of the shared machine hits all targets
 * alike and each round's ratios to the baseline are measured minutes apart at most. Reported per
 * round and as the median over rounds, with the spread.
 *
 * <p>Besides wrk's figures, each round records, without touching the measured JVM:
 * <ul>
 *   <li>the server's CPU per request from {@code /proc} (less sensitive to other load on the machine
 *       than req/s), split by thread group: event loop, worker pool, GC, JIT, other;</li>
 *   <li>wrk's own CPU and the CPU everything else on the machine used during the round;</li>
 *   <li>for broker targets, deltas of the broker's own counters (cache hits and misses, STS calls,
 *       refreshes): a warm-cache round must show no misses, so it measured the vend path, not STS.</li>
 * </ul>
 *
 * <pre>
 * java Throughput --targets FILE --baseline NAME --lua FILE --out FILE [--verdicts FILE] [--raw DIR]
 *      [--rounds 3] [--duration 20] [--warmup 15] [--threads 2] [--connections 64] [--timeout 5]
 *      [--title TEXT] [--scenario KEY] [--clk-tck 100] [--order fixed|abba]
 *      [--target NAME:rps>=0.8] [--target NAME:p99<=2] [--target NAME:p50<=1.1] [--target NAME:cpu<=1.05]
 * </pre>
 * A {@code --target} compares the median over rounds of NAME's per-round ratio to the baseline: req/s,
 * p50, p99, or server CPU per request.
 * {@code --order abba} reverses the order on even rounds (A B, B A, A B, ...), so a drift during the run
 * (JIT still settling, other load rising) does not always favour the target that runs second.
 * Targets file: one target a line, tab-separated: name, url, server pid, file of bearer tokens (one
 * a line; "-" for none), metrics url ("-" for none), url to GET before each run ("-" for none),
 * description.
 */
public final class Throughput {

    record Target(String name, String url, long pid, List<String> bearers, String metricsUrl, String preUrl,
                  String description) {
    }

    /** One wrk run of one target. */
    record Run(int round, Target target, double seconds, long requests, double rps, double p50, double p90, double p99,
               double p999, double max, long non2xx, long socketErrors, double serverCpuUsPerReq,
               Map<String, Long> groupTicks, long serverTicks, double wrkCpuSeconds, double machineBusySeconds,
               double load, Map<String, Double> metricDeltas) {
    }

    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Broker counters whose per-round deltas are reported. */
    private static final Map<String, String> COUNTERS = new LinkedHashMap<>();

    static {
        COUNTERS.put("hits", "broker_cache_requests_total{result=\"hit\"}");
        COUNTERS.put("misses", "broker_cache_requests_total{result=\"miss\"}");
        COUNTERS.put("refreshes", "broker_cache_refreshes_total{result=\"success\"}");
        COUNTERS.put("refresh failures", "broker_cache_refreshes_total{result=\"failure\"}");
    }

    private final Args opts;
    private final List<String> targetSpecs;
    private final List<Target> targets = new ArrayList<>();
    private final int rounds;
    private final int duration;
    private final int warmup;
    private final int threads;
    private final int connections;
    private final int timeout;
    private final int clkTck;
    private final Path raw;

    private Throughput(Args opts, List<String> targetSpecs) throws IOException {
        this.opts = opts;
        this.targetSpecs = targetSpecs;
        this.rounds = opts.integer("rounds", 3);
        this.duration = opts.integer("duration", 20);
        this.warmup = opts.integer("warmup", 15);
        this.threads = opts.integer("threads", 2);
        this.connections = opts.integer("connections", 64);
        this.timeout = opts.integer("timeout", 5);
        this.clkTck = opts.integer("clk-tck", 100);
        this.raw = opts.optionalPath("raw");
        if (raw != null) {
            Files.createDirectories(raw);
        }
        for (String line : Files.readAllLines(Path.of(opts.require("targets")))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 7) {
                throw new IllegalArgumentException("targets line needs 7 tab-separated fields: " + line);
            }
            List<String> bearers = f[3].equals("-") ? List.of()
                    : Files.readAllLines(Path.of(f[3])).stream().filter(s -> !s.isBlank()).toList();
            targets.add(new Target(f[0], f[1], Long.parseLong(f[2]), bearers, dash(f[4]), dash(f[5]), f[6]));
        }
        if (targets.stream().noneMatch(t -> t.name().equals(opts.require("baseline")))) {
            throw new IllegalArgumentException("--baseline " + opts.get("baseline") + " is not among the targets");
        }
    }

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse("Throughput", args);
        new Throughput(opts, opts.all("target")).run();
    }

    private void run() throws Exception {
        Log.info("warm-up: %d s per target, %s", warmup, names());
        for (Target t : targets) {
            Run w = measure(0, t, warmup);
            Log.info("  warm-up %-22s %,10.0f req/s  non-2xx %d", t.name(), w.rps(), w.non2xx());
            if (w.requests() > 0 && w.non2xx() == w.requests()) {
                throw new IllegalStateException("every warm-up request to " + t.name() + " failed (non-2xx): "
                        + "check the target's configuration; raw output in " + raw);
            }
        }
        List<Run> runs = new ArrayList<>();
        boolean abba = opts.get("order", "fixed").equals("abba");
        for (int r = 1; r <= rounds; r++) {
            List<Target> order = new ArrayList<>(targets);
            if (abba && r % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Target t : order) {
                Run run = measure(r, t, duration);
                runs.add(run);
                Log.info("  round %d %-22s %,10.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  non-2xx %d  cpu %.0f us/req",
                        r, t.name(), run.rps(), run.p50() / 1000, run.p99() / 1000, run.p999() / 1000, run.non2xx(),
                        run.serverCpuUsPerReq());
            }
        }
        Files.writeString(Path.of(opts.require("out")), markdown(runs), StandardCharsets.UTF_8);
        writeTsv(runs);
    }

    private Run measure(int round, Target t, int seconds) throws Exception {
        if (t.preUrl() != null) {
            get(t.preUrl());
        }
        Metrics before = t.metricsUrl() == null ? null : Metrics.scrape(t.metricsUrl());
        ProcCpu.ProcessTicks cpu0 = ProcCpu.process(t.pid());
        ProcCpu.MachineTicks m0 = ProcCpu.machine();
        long t0 = System.nanoTime();
        String out = wrk(t, seconds);
        long t1 = System.nanoTime();
        ProcCpu.MachineTicks m1 = ProcCpu.machine();
        ProcCpu.ProcessTicks cpu = ProcCpu.process(t.pid()).minus(cpu0);
        double load = ProcCpu.loadAverage();
        Metrics after = t.metricsUrl() == null ? null : Metrics.scrape(t.metricsUrl());
        if (raw != null) {
            Files.writeString(raw.resolve(String.format(Locale.ROOT, "%s-round%d.txt", t.name(), round)), out);
        }
        Map<String, String> b = benchLine(out, t);
        long requests = Long.parseLong(b.get("requests"));
        double secs = Long.parseLong(b.get("duration_us")) / 1e6;
        Map<String, Double> deltas = new LinkedHashMap<>();
        if (before != null) {
            COUNTERS.forEach((label, series) -> deltas.put(label, after.get(series) - before.get(series)));
            deltas.put("STS calls", after.upstreamCalls() - before.upstreamCalls());
            double n = after.get("broker_upstream_latency_seconds_count") - before.get("broker_upstream_latency_seconds_count");
            double sum = after.get("broker_upstream_latency_seconds_sum") - before.get("broker_upstream_latency_seconds_sum");
            if (n > 0) {
                deltas.put("STS mean ms", sum / n * 1000);
            }
        }
        double wall = (t1 - t0) / 1e9;
        return new Run(round, t, secs, requests, requests / secs, d(b, "p50_us"), d(b, "p90_us"), d(b, "p99_us"),
                d(b, "p999_us"), d(b, "max_us"), Long.parseLong(b.get("status")),
                Long.parseLong(b.get("connect")) + Long.parseLong(b.get("read")) + Long.parseLong(b.get("write"))
                        + Long.parseLong(b.get("timeout")),
                requests == 0 ? Double.NaN : cpu.total() * (1e6 / clkTck) / requests, cpu.byGroup(), cpu.total(),
                wrkCpu(out), (m1.busy() - m0.busy()) / (double) clkTck, load, deltas);
    }

    private String wrk(Target t, int seconds) throws IOException, InterruptedException {
        // bash's `times` reports the CPU its children (wrk) used: wrk's own share of the 2 cores.
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "wrk \"$@\"; rc=$?; times; exit $rc", "wrk",
                "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "--timeout", timeout + "s",
                "-s", opts.require("lua"), t.url()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("BENCH_BEARERS", String.join(",", t.bearers()));
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        String out = new String(bytes, StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IllegalStateException("wrk against " + t.name() + " failed (exit " + rc + "):\n" + out);
        }
        return out;
    }

    private static Map<String, String> benchLine(String out, Target t) {
        for (String line : out.split("\n")) {
            if (line.startsWith("BENCH ")) {
                Map<String, String> m = new HashMap<>();
                for (String kv : line.substring(6).trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                return m;
            }
        }
        throw new IllegalStateException("no BENCH line from the wrk script for " + t.name() + ":\n" + out);
    }

    private static double wrkCpu(String out) {
        String[] lines = out.strip().split("\n");
        Matcher m = TIMES.matcher(lines[lines.length - 1]);
        if (!m.find()) {
            return Double.NaN;
        }
        return Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Long.parseLong(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }

    private String markdown(List<Run> runs) {
        String baseline = opts.require("baseline");
        StringBuilder md = new StringBuilder();
        md.append("### ").append(opts.get("title", "Throughput")).append("\n\n");
        md.append(String.format(Locale.ROOT,
                "`wrk -t%d -c%d -d%ds --latency --timeout %ds` on loopback; warm-up %d s per target, then %d round(s) "
                        + "in this order: %s%s. Ratios are taken within each round (target ÷ `%s` of the same round), then the "
                        + "median over rounds; spreads are min–max over rounds.%n%n",
                threads, connections, duration, timeout, warmup, rounds, names(),
                opts.get("order", "fixed").equals("abba") ? " (reversed on even rounds)" : "", baseline, baseline));
        md.append("| target | what it measures | req/s | × ").append(baseline).append(" req/s | p50 ms | p99 ms | × ")
                .append(baseline).append(" p99 | p99.9 ms | server CPU µs/req | × ").append(baseline).append(" CPU/req |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Target t : targets) {
            List<Run> mine = runs.stream().filter(r -> r.target() == t).toList();
            md.append("| `").append(t.name()).append("` | ").append(t.description()).append(" | ")
                    .append(Stats.spread(col(mine, Run::rps), 0)).append(" | ")
                    .append(t.name().equals(baseline) ? "1" : Stats.spread(ratios(runs, t, baseline, Run::rps), 2)).append(" | ")
                    .append(Stats.spread(ms(col(mine, Run::p50)), 2)).append(" | ")
                    .append(Stats.spread(ms(col(mine, Run::p99)), 2)).append(" | ")
                    .append(t.name().equals(baseline) ? "1" : Stats.spread(ratios(runs, t, baseline, Run::p99), 2)).append(" | ")
                    .append(Stats.spread(ms(col(mine, Run::p999)), 2)).append(" | ")
                    .append(Stats.spread(col(mine, Run::serverCpuUsPerReq), 0)).append(" | ")
                    .append(t.name().equals(baseline) ? "1" : Stats.spread(ratios(runs, t, baseline, Run::serverCpuUsPerReq), 2))
                    .append(" |\n");
        }
        md.append("\n");
        verdicts(runs, md);
        md.append("<details><summary>Per round: latency, errors, where the server's CPU went, machine load, broker counters</summary>\n\n");
        md.append("CPU split: share of the server process's CPU by thread group (event loop / worker pool / GC / JIT / other). ")
                .append("Cores: average cores used during the round by the server, by wrk, and by everything else on the machine ")
                .append("(other engineers' builds): the last one is the noise.\n\n");
        md.append("| round | target | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | non-2xx / socket errors | CPU µs/req | CPU split EL/wk/GC/JIT/other % | cores server/wrk/other | load1 | broker counters (delta) |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|\n");
        for (Run r : runs) {
            md.append("| ").append(r.round()).append(" | `").append(r.target().name()).append("` | ")
                    .append(Stats.num(r.rps(), 0)).append(" | ")
                    .append(Stats.num(r.p50() / 1000, 2)).append(" | ")
                    .append(Stats.num(r.p90() / 1000, 2)).append(" | ")
                    .append(Stats.num(r.p99() / 1000, 2)).append(" | ")
                    .append(Stats.num(r.p999() / 1000, 2)).append(" | ")
                    .append(Stats.num(r.max() / 1000, 1)).append(" | ")
                    .append(r.non2xx()).append(" / ").append(r.socketErrors()).append(r.non2xx() + r.socketErrors() > 0 ? " ⚠" : "").append(" | ")
                    .append(Stats.num(r.serverCpuUsPerReq(), 0)).append(" | ")
                    .append(split(r)).append(" | ")
                    .append(cores(r)).append(" | ")
                    .append(Stats.num(r.load(), 1)).append(" | ")
                    .append(counters(r)).append(" |\n");
        }
        md.append("\n</details>\n\n");
        return md.toString();
    }

    /** --target NAME:METRIC>=X or NAME:METRIC<=X: the median per-round ratio of rps, p50, p99 or cpu (server µs/request). */
    private void verdicts(List<Run> runs, StringBuilder md) {
        if (targetSpecs.isEmpty()) {
            return;
        }
        Pattern spec = Pattern.compile("([^:]+):(rps|p50|p99|cpu)(>=|<=)([\\d.]+)");
        String baseline = opts.require("baseline");
        Path verdictFile = opts.optionalPath("verdicts");
        String scenario = opts.get("scenario", "throughput");
        md.append("| target | measured (median of per-round ratios, min–max) | threshold | verdict |\n|---|---|---|---|\n");
        for (String s : targetSpecs) {
            Matcher m = spec.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad --target " + s);
            }
            Target t = targets.stream().filter(x -> x.name().equals(m.group(1))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--target names unknown target " + m.group(1)));
            java.util.function.ToDoubleFunction<Run> metric = switch (m.group(2)) {
                case "rps" -> Run::rps;
                case "p50" -> Run::p50;
                case "p99" -> Run::p99;
                default -> Run::serverCpuUsPerReq;
            };
            List<Double> ratios = ratios(runs, t, baseline, metric);
            double median = Stats.median(ratios);
            double limit = Double.parseDouble(m.group(4));
            boolean ok = m.group(3).equals(">=") ? median >= limit : median <= limit;
            boolean clean = runs.stream().filter(r -> r.target() == t || r.target().name().equals(baseline))
                    .allMatch(r -> r.non2xx() == 0 && r.socketErrors() == 0);
            String what = "`" + t.name() + "` " + switch (m.group(2)) {
                case "rps" -> "req/s";
                case "cpu" -> "server CPU/request";
                default -> m.group(2);
            } + " ÷ `" + baseline + "`";
            String measured = Stats.spread(ratios, 2) + "×";
            String threshold = m.group(3).replace(">=", "≥ ").replace("<=", "≤ ") + m.group(4) + "×";
            String verdict = clean ? Verdicts.passFail(ok) : Verdicts.passFail(ok) + " (errors in some rounds, see per-round table)";
            md.append("| ").append(what).append(" | ").append(measured).append(" | ").append(threshold).append(" | ")
                    .append(verdict).append(" |\n");
            Verdicts.append(verdictFile, scenario, what, measured, threshold, verdict);
        }
        md.append("\n");
    }

    private void writeTsv(List<Run> runs) throws IOException {
        if (raw == null) {
            return;
        }
        StringBuilder tsv = new StringBuilder("round\ttarget\trps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\tnon2xx\tsocket_errors\tcpu_us_per_req\twrk_cpu_s\tmachine_busy_s\tload1\n");
        for (Run r : runs) {
            tsv.append(String.join("\t", String.valueOf(r.round()), r.target().name(), fmt(r.rps()), fmt(r.p50()),
                    fmt(r.p90()), fmt(r.p99()), fmt(r.p999()), fmt(r.max()), String.valueOf(r.non2xx()),
                    String.valueOf(r.socketErrors()), fmt(r.serverCpuUsPerReq()), fmt(r.wrkCpuSeconds()),
                    fmt(r.machineBusySeconds()), fmt(r.load()))).append("\n");
        }
        Files.writeString(raw.resolve("runs.tsv"), tsv.toString());
    }

    private static String split(Run r) {
        if (r.serverTicks() <= 0) {
            return "n/a";
        }
        List<String> parts = new ArrayList<>();
        for (String g : ProcCpu.GROUPS) {
            parts.add(String.valueOf(Math.round(100.0 * r.groupTicks().getOrDefault(g, 0L) / r.serverTicks())));
        }
        return String.join("/", parts);
    }

    private String cores(Run r) {
        double server = r.serverTicks() / (double) clkTck / r.seconds();
        double wrk = r.wrkCpuSeconds() / r.seconds();
        double other = Math.max(0, r.machineBusySeconds() / r.seconds() - server - wrk);
        return Stats.num(server, 2) + "/" + Stats.num(wrk, 2) + "/" + Stats.num(other, 2);
    }

    private static String counters(Run r) {
        if (r.metricDeltas().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        r.metricDeltas().forEach((k, v) -> {
            if (k.equals("STS mean ms")) {
                parts.add(k + " " + Stats.num(v, 0));
            } else if (v != 0 || k.equals("misses") || k.equals("STS calls")) {
                parts.add(k + " " + Stats.num(v, 0));
            }
        });
        return String.join(", ", parts);
    }

    private List<Double> ratios(List<Run> runs, Target t, String baseline, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> out = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            int round = r;
            Run mine = runs.stream().filter(x -> x.round() == round && x.target() == t).findFirst().orElse(null);
            Run base = runs.stream().filter(x -> x.round() == round && x.target().name().equals(baseline)).findFirst().orElse(null);
            if (mine != null && base != null && f.applyAsDouble(base) > 0) {
                out.add(f.applyAsDouble(mine) / f.applyAsDouble(base));
            }
        }
        return out;
    }

    private static List<Double> col(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().map(r -> f.applyAsDouble(r)).toList();
    }

    private static List<Double> ms(List<Double> micros) {
        return micros.stream().map(v -> v / 1000).toList();
    }

    private String names() {
        return String.join(", ", targets.stream().map(t -> "`" + t.name() + "`").toList());
    }


    private static void get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static double d(Map<String, String> m, String k) {
        return Double.parseDouble(m.get(k));
    }

    private static String dash(String s) {
        return s.equals("-") ? null : s;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

}
