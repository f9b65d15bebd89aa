package io.stsbroker.injection;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The sidecar settings one pod gets: the defaults, overridden by its optional annotations where
 * those are valid. An invalid optional annotation never stops the pod: it adds a warning and the
 * default applies.
 */
record SidecarOptions(int port, String image, String cpuLimit, String memoryLimit) {

    /** From docs/BENCHMARKS.md, "Sidecar": 56-64 MiB resident, about 0.3 s of CPU to start. */
    static final String CPU_REQUEST = "20m";
    static final String MEMORY_REQUEST = "64Mi";
    static final String CPU_LIMIT = "1";
    static final String MEMORY_LIMIT = "96Mi";

    // Registry host[:port]/path[:tag][@sha256:digest]: printable, no spaces, bounded.
    private static final Pattern IMAGE = Pattern.compile(
            "[a-z0-9][a-z0-9._/-]*(:[0-9]{1,5}/[a-z0-9._/-]+)?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?");
    private static final Pattern CPU = Pattern.compile("([1-9][0-9]{0,5})m|[1-9][0-9]?(\\.[0-9]{1,3})?");
    private static final Pattern MEMORY = Pattern.compile("([1-9][0-9]{0,6})(Mi|Gi)");

    static SidecarOptions from(JsonNode annotations, SidecarDefaults defaults, List<String> warnings) {
        int port = text(annotations, OptIn.PORT).flatMap(v -> port(v, defaults.port(), warnings)).orElse(defaults.port());
        String image = text(annotations, OptIn.IMAGE).filter(v -> valid(IMAGE.matcher(v).matches() && v.length() <= 255,
                OptIn.IMAGE, v, "an image reference", defaults.image(), warnings)).orElse(defaults.image());
        String cpu = text(annotations, OptIn.CPU_LIMIT).filter(v -> valid(CPU.matcher(v).matches() && millicores(v) >= 100
                        && millicores(v) <= 4000, OptIn.CPU_LIMIT, v, "100m to 4", CPU_LIMIT, warnings))
                .orElse(CPU_LIMIT);
        String memory = text(annotations, OptIn.MEMORY_LIMIT).filter(v -> valid(MEMORY.matcher(v).matches() && mebibytes(v) >= 64
                        && mebibytes(v) <= 1024, OptIn.MEMORY_LIMIT, v, "64Mi to 1Gi", MEMORY_LIMIT, warnings))
                .orElse(MEMORY_LIMIT);
        return new SidecarOptions(port, image, cpu, memory);
    }

    private static Optional<Integer> port(String v, int fallback, List<String> warnings) {
        if (v.matches("[0-9]{4,5}")) {
            int p = Integer.parseInt(v);
            if (p >= 1024 && p <= 65535) {
                return Optional.of(p);
            }
        }
        warnings.add(Warnings.invalidAnnotation(OptIn.PORT, v, "a port from 1024 to 65535", Integer.toString(fallback)));
        return Optional.empty();
    }

    private static boolean valid(boolean ok, String annotation, String value, String expected, String fallback,
                                 List<String> warnings) {
        if (!ok) {
            warnings.add(Warnings.invalidAnnotation(annotation, value, expected, fallback));
        }
        return ok;
    }

    private static Optional<String> text(JsonNode annotations, String name) {
        JsonNode v = annotations.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.isTextual() ? v.asText() : v.toString());
    }

    private static long millicores(String v) {
        return v.endsWith("m") ? Long.parseLong(v.substring(0, v.length() - 1)) : Math.round(Double.parseDouble(v) * 1000);
    }

    private static long mebibytes(String v) {
        long n = Long.parseLong(v.substring(0, v.length() - 2));
        return v.endsWith("Gi") ? n * 1024 : n;
    }
}
