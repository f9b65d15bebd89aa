import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time from Linux {@code /proc}, read without touching the measured JVM (no attach, no agent):
 * the process total, its threads grouped by what they do (from the thread names the JVM gives the
 * kernel, at most 15 characters), and the whole machine. Values are clock ticks
 * ({@code getconf CLK_TCK}, 100 on Linux).
 */
final class ProcCpu {

    /** Thread groups, in report order. */
    static final List<String> GROUPS = List.of("event-loop", "worker", "gc", "jit", "other");

    private ProcCpu() {
    }

    /** One reading of a process: its total ticks (exited threads included) and ticks per thread group. */
    record ProcessTicks(long total, Map<String, Long> byGroup) {
        ProcessTicks minus(ProcessTicks before) {
            Map<String, Long> d = new LinkedHashMap<>();
            for (String g : GROUPS) {
                d.put(g, byGroup.getOrDefault(g, 0L) - before.byGroup.getOrDefault(g, 0L));
            }
            return new ProcessTicks(total - before.total, d);
        }
    }

    /** One reading of the machine: busy and total ticks over all CPUs since boot. */
    record MachineTicks(long busy, long total) {
    }

    static ProcessTicks process(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        long total = ticks(read(proc.resolve("stat")));
        Map<String, Long> groups = new LinkedHashMap<>();
        for (String g : GROUPS) {
            groups.put(g, 0L);
        }
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            tasks.forEach(t -> {
                String stat = read(t.resolve("stat"));
                if (stat.isEmpty()) {
                    return; // thread ended between list and read
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                groups.merge(group(name), ticks(stat), Long::sum);
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read threads of pid " + pid + ": " + e, e);
        }
        return new ProcessTicks(total, groups);
    }

    static MachineTicks machine() {
        String first = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
        String[] f = first.trim().split("\\s+");
        long total = 0;
        // cpu user nice system idle iowait irq softirq steal (guest time is already inside user)
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new MachineTicks(total - idle, total);
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        return Double.parseDouble(read(Path.of("/proc/loadavg")).split("\\s+")[0]);
    }

    static String group(String threadName) {
        if (threadName.startsWith("vert.x-eventloo")) {
            return "event-loop";
        }
        if (threadName.startsWith("executor-thread") || threadName.startsWith("vert.x-worker")
                || threadName.startsWith("vert.x-internal")) {
            return "worker";
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.equals("VM Thread")
                || threadName.startsWith("VM Periodic")) {
            return "gc";
        }
        if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        return "other";
    }

    /** utime + stime of a {@code stat} line; the name field may hold spaces and parentheses, so fields are counted after the last ')'. */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            if (p.getParent() != null && p.getParent().getParent() != null
                    && p.getParent().getParent().getFileName().toString().equals("task")) {
                return "";
            }
            throw new IllegalStateException("cannot read " + p + ": " + e, e);
        }
    }
}
