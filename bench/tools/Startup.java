import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up to ready: from the moment the JVM process is spawned to the first {@code 200} of
 * {@code GET /q/health/ready} (polled every 5 ms with a bare socket, so the poller costs next to
 * nothing), for one or more command variants run alternately, several times each. Also reads
 * Quarkus's own "started in X s" from the log. Writes a markdown section.
 *
 * <pre>
 * java Startup --variant NAME=ARGFILE [--variant ...] --port P --runs N --log-dir DIR --out FILE
 *      [--verdicts FILE] [--target-ms 1500] [--judge NAME] [--reference NAME]
 * </pre>
 * An argument file holds the command, one argument a line (it must make the application listen on
 * {@code 127.0.0.1:P}); a first line {@code cwd=DIR} runs it in DIR (an AppCDS archive only matches
 * the class path it was dumped with, which Quarkus writes relative to {@code quarkus-app/}), and a
 * line {@code probe=/path} polls that path instead of {@code /q/health/ready}, and a line
 * {@code probe-port=N} polls port N instead of P (the broker's management port in the prod
 * profile, where health is served). {@code --reference}
 * names a variant that is only a yardstick (the baseline app: what the framework itself needs on
 * this machine right now): it gets no verdict, and the others are also given as a ratio to it. {@code --judge} names the variant the target applies to (default: the first).
 */
public final class Startup {

    private static final Pattern STARTED = Pattern.compile("started in (\\d+\\.\\d+)s");
    private static final String DEFAULT_PROBE = "/q/health/ready";

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse("Startup", args);
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String variant : opts.all("variant")) {
            String[] nv = variant.split("=", 2);
            if (nv.length != 2) {
                throw opts.fail("--variant needs NAME=ARGFILE, got " + variant);
            }
            variants.put(nv[0], Files.readAllLines(Path.of(nv[1])).stream().filter(s -> !s.isBlank()).toList());
        }
        if (variants.isEmpty()) {
            throw opts.fail("at least one --variant is required");
        }
        int port = opts.integer("port");
        int runs = opts.integer("runs", 5);
        double targetMs = opts.decimal("target-ms", 1500);
        Path logDir = opts.path("log-dir");
        Files.createDirectories(logDir);
        String judge = opts.get("judge", variants.keySet().iterator().next());
        String reference = opts.get("reference");

        Map<String, List<Double>> ready = new LinkedHashMap<>();
        Map<String, List<Double>> quarkus = new LinkedHashMap<>();
        variants.keySet().forEach(v -> {
            ready.put(v, new ArrayList<>());
            quarkus.put(v, new ArrayList<>());
        });
        List<String> failures = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                Path log = logDir.resolve(v.getKey() + "-" + r + ".log");
                double ms = once(v.getValue(), port, log);
                if (Double.isNaN(ms)) {
                    failures.add(v.getKey() + " run " + r + " (log: " + log + ")");
                    Log.info("  %s run %d: FAILED, see %s", v.getKey(), r, log);
                    continue;
                }
                ready.get(v.getKey()).add(ms);
                Matcher m = STARTED.matcher(Files.readString(log));
                if (m.find()) {
                    quarkus.get(v.getKey()).add(Double.parseDouble(m.group(1)) * 1000);
                }
                Log.info("  %s run %d: ready after %.0f ms", v.getKey(), r, ms);
                Thread.sleep(1000);
            }
        }

        StringBuilder md = new StringBuilder("### Start-up to ready\n\n");
        md.append(String.format(Locale.ROOT, "From process spawn to the first 200 of `/q/health/ready` (polled every 5 ms), "
                + "%d run(s) per variant, variants alternating. \"Quarkus says\" is the log's own \"started in\", which "
                + "excludes JVM start-up.%s%n%n", runs, reference == null ? "" : " `" + reference + "` is the baseline app "
                + "(polled on its endpoint): what the framework alone needs on this machine at the same time."));
        md.append("| variant | command | ready ms, median (min–max) | each run ms | Quarkus says ms, median |")
                .append(reference == null ? "" : " × `" + reference + "` |").append("\n|---|---|---:|---|---:|")
                .append(reference == null ? "" : "---:|").append("\n");
        for (String v : variants.keySet()) {
            md.append("| `").append(v).append("` | `").append(summarize(variants.get(v))).append("` | ")
                    .append(Stats.spread(ready.get(v), 0)).append(" | ")
                    .append(Stats.join(Stats.toArray(ready.get(v)), 0)).append(" | ")
                    .append(Stats.num(Stats.median(quarkus.get(v)), 0)).append(" |");
            if (reference != null) {
                md.append(" ").append(Stats.num(Stats.median(ready.get(v)) / Stats.median(ready.get(reference)), 2)).append(" |");
            }
            md.append("\n");
        }
        md.append("\n");
        if (!failures.isEmpty()) {
            md.append("Failed runs: ").append(String.join("; ", failures)).append("\n\n");
        }
        for (String v : variants.keySet()) {
            if (v.equals(reference)) {
                continue;
            }
            List<Double> values = ready.get(v);
            boolean ok = !values.isEmpty() && Stats.median(values) <= targetMs && failures.stream().noneMatch(f -> f.startsWith(v + " "));
            String measured = "median " + Stats.spread(values, 0) + " ms over " + values.size() + " run(s)";
            String verdict = values.isEmpty() ? "N/A (no successful run)" : Verdicts.passFail(ok);
            if (!v.equals(judge)) {
                verdict = verdict + " (informational)";
            }
            md.append("Verdict `").append(v).append("`: **").append(verdict).append("** (").append(measured)
                    .append("; target ≤ ").append(Stats.num(targetMs, 0)).append(" ms).\n\n");
            Verdicts.append(opts.optionalPath("verdicts"), "startup",
                    "start-up to ready, `" + v + "`", measured, "≤ " + Stats.num(targetMs, 0) + " ms", verdict);
        }
        Files.writeString(opts.path("out"), md.toString(), StandardCharsets.UTF_8);
    }

    /** Milliseconds from spawn to the first ready 200, or NaN when the process died or 60 s passed. */
    private static double once(List<String> argFile, int port, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        String probePath = DEFAULT_PROBE;
        int probePort = port;
        java.io.File dir = null;
        for (String line : argFile) {
            if (command.isEmpty() && line.startsWith("cwd=")) {
                dir = new java.io.File(line.substring(4));
            } else if (command.isEmpty() && line.startsWith("probe=")) {
                probePath = line.substring(6);
            } else if (command.isEmpty() && line.startsWith("probe-port=")) {
                probePort = Integer.parseInt(line.substring(11));
            } else {
                command.add(line);
            }
        }
        byte[] probe = ("GET " + probePath + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).directory(dir);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (probe(probePort, probe) == 200) {
                    return (System.nanoTime() - t0) / 1e6;
                }
                if (!p.isAlive()) {
                    return Double.NaN;
                }
                Thread.sleep(5);
            }
            return Double.NaN;
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The status of one readiness probe, or -1 when nothing answers yet. */
    private static int probe(int port, byte[] request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.") && line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The command without the long -D configuration, for the table. */
    private static String summarize(List<String> command) {
        return String.join(" ", command.stream()
                        .filter(a -> !a.startsWith("-D") && !a.startsWith("cwd=") && !a.startsWith("probe=") && !a.startsWith("probe-port=")).toList())
                + " (+ -D configuration)";
    }
}
