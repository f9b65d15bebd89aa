package io.stsbroker.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code kubectl kustomize} as a subprocess. A missing or too old kubectl is a test failure,
 * never a skip: the manifests are only known to render where they were rendered.
 *
 * <p>kubectl is looked for in {@code $KUBECTL}, then {@code .ci/.tools/bin/kubectl} (where
 * {@code .ci/deploy-checks.sh} installs one when the machine has none), then on {@code PATH}.
 */
final class Kubectl {

    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();
    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    private static volatile Path binary;

    private Kubectl() {
    }

    /** The rendered YAML of a kustomization directory (relative to the repository root), rendered once per run. */
    static String kustomize(String dir) {
        return RENDERED.computeIfAbsent(dir, d -> run(binary().toString(), "kustomize", RepoFiles.path(d).toString()));
    }

    static synchronized Path binary() {
        if (binary == null) {
            Path found = locate().orElseThrow(() -> new AssertionError(
                    "kubectl not found (looked at $KUBECTL, .ci/.tools/bin/kubectl and PATH). "
                            + "Run `bash .ci/deploy-checks.sh`, which installs one when the machine has none."));
            String version = run(found.toString(), "version", "--client");
            Matcher m = KUSTOMIZE_VERSION.matcher(version);
            if (!m.find() || Integer.parseInt(m.group(1)) < 5) {
                throw new AssertionError(found + " does not embed kustomize v5 or later (it says: " + version.strip()
                        + "). Debian's kubernetes-client package is too old; see .ci/deploy-checks.sh.");
            }
            binary = found;
        }
        return binary;
    }

    private static Optional<Path> locate() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("KUBECTL");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(RepoFiles.path(".ci/.tools/bin/kubectl"));
        String pathVar = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVar.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "kubectl"));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    private static String run(String... command) {
        try {
            Path err = Files.createTempFile("kubectl", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n"
                            + Files.readString(err));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }
}
