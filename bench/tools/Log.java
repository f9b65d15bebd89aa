import java.util.Locale;

/**
 * Progress lines of the benchmark tools: one line each, formatted in {@link Locale#ROOT} (so a
 * German or French locale does not turn 1.5 into 1,5 in the figures) and flushed at once, so they
 * interleave in order with bench/run.sh's own output.
 */
final class Log {

    private Log() {
    }

    static void info(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    static void warn(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
        System.err.flush();
    }
}
