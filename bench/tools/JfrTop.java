import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) went: the top methods by self
 * samples (the frame on top of the stack), and by total samples (anywhere on the stack) for the
 * pieces the vend path is suspected of spending on: JWT verification (SmallRye JWT, jose4j, the RSA
 * maths), response serialisation (RESTEasy Reactive writers, Jackson), security, metrics
 * (Micrometer), the cache (Caffeine) and the broker's own code. Enough to say which part of the
 * vend path costs what, without an external profiler.
 *
 * <pre>
 * java JfrTop FILE.jfr [TOP=25] [THREAD_PREFIX]
 * </pre>
 */
public final class JfrTop {

    /** Frames whose total share is listed: the suspects, not the generic plumbing around them. */
    private static final List<String> FOCUS = List.of("io.stsbroker.", "io.smallrye.jwt.", "io.quarkus.smallrye.jwt.",
            "org.jose4j.", "sun.security.rsa.", "java.math.BigInteger.oddModPow",
            "org.jboss.resteasy.reactive.server.core.serialization.", "org.jboss.resteasy.reactive.server.handlers.ResponseWriterHandler",
            "com.fasterxml.jackson.databind.ObjectWriter", "io.quarkus.resteasy.reactive.jackson.",
            "io.quarkus.vertx.http.runtime.security.HttpAuthenticator", "io.quarkus.security.runtime.",
            "io.micrometer.", "io.quarkus.micrometer.", "com.github.benmanes.caffeine.", "jakarta.ws.rs.core.MediaType.<init>");

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String prefix = args.length > 2 ? args[2] : "";
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
            if (thread == null || !thread.startsWith(prefix)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples%s%n", samples, prefix.isEmpty() ? "" : " on threads " + prefix + "*");
        print("self", self, samples, top);
        Map<String, Integer> focus = new HashMap<>();
        total.forEach((k, v) -> {
            if (FOCUS.stream().anyMatch(k::startsWith)) {
                focus.put(k, v);
            }
        });
        print("total (anywhere on the stack), suspects only", focus, samples, top);
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("\n-- " + title);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
