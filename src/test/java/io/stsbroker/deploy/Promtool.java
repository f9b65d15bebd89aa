package io.stsbroker.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's {@code promtool}. A missing promtool is a test failure, never a skip: the
 * alert rules are only known to work where they were tested.
 *
 * <p>promtool is looked for in {@code $PROMTOOL}, then on {@code PATH}. Debian's {@code prometheus}
 * package brings it (2.42 on bookworm); {@code .ci/deploy-checks.sh} installs that package when the
 * machine has no promtool (the Prometheus server it also installs is never started by the tests).
 */
final class Promtool {

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Runs {@code promtool args...} in {@code dir}; stdout and stderr together. */
    static Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("promtool", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }

    static Path binary() {
        return locate().orElseThrow(() -> new AssertionError(
                "promtool not found (looked at $PROMTOOL and PATH). Run `bash .ci/deploy-checks.sh`, which installs "
                        + "Debian's prometheus package when the machine has no promtool, or `apt-get install prometheus`."));
    }

    private static Optional<Path> locate() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("PROMTOOL");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "promtool"));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
