import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one line per target to the run's verdict file (tab-separated: scenario, target,
 * measured, threshold, verdict), which bench/run.sh turns into the summary table at the top of the
 * results. A verdict is PASS, FAIL, or N/A when the run could not measure it honestly.
 */
final class Verdicts {

    private Verdicts() {
    }

    static void append(Path file, String scenario, String target, String measured, String threshold, String verdict) {
        if (file == null) {
            return;
        }
        String line = String.join("\t", clean(scenario), clean(target), clean(measured), clean(threshold), clean(verdict)) + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e, e);
        }
    }

    static String passFail(boolean ok) {
        return ok ? "PASS" : "FAIL";
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}
