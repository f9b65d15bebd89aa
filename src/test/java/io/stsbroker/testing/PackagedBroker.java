package io.stsbroker.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/quarkus-app/quarkus-run.jar}) running in the production profile,
 * with the API, the management interface and the embedded STS all on free ports (port 0), since
 * several brokers run on one host in tests. In the production profile health, readiness and metrics
 * are served on the management interface ({@link #management()}), the API and {@code /q/openapi}
 * on {@link #api()}.
 */
public final class PackagedBroker implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /** Quarkus's start line: "Listening on: http://0.0.0.0:41234. Management interface listening on http://0.0.0.0:41235." */
    private static final Pattern API = Pattern.compile("Listening on: http://[^:\\s]+:(\\d+)");
    private static final Pattern MANAGEMENT = Pattern.compile("Management interface listening on http://[^:\\s]+:(\\d+)");

    private final Process process;
    private final Path log;
    private final URI api;
    private final URI management;

    private PackagedBroker(Process process, Path log, URI api, URI management) {
        this.process = process;
        this.log = log;
        this.api = api;
        this.management = management;
    }

    /** The command line for {@code props} ({@code -Dname=value}), every listening port free. */
    public static List<String> command(List<String> props) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Dquarkus.http.port=0", "-Dquarkus.management.port=0",
                "-Dbroker.embedded-sts.port=0"));
        cmd.addAll(props);
        cmd.addAll(List.of("-jar", JAR.toString()));
        return cmd;
    }

    /**
     * The jar's process for {@code props}, every port free, with {@code env} added to the environment
     * and the test JVM's {@code ALIBABA_CLOUD_*} variables removed: a developer's own cloud identity
     * must not reach a broker under test.
     */
    public static ProcessBuilder processBuilder(List<String> props, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command(props));
        pb.environment().keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_"));
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * Starts the jar and waits until Quarkus says where it listens; fails with everything the broker
     * printed when it exits or says nothing within 60 seconds.
     */
    public static PackagedBroker start(List<String> props) throws IOException, InterruptedException {
        return start(props, Map.of());
    }

    /** As {@link #start(List)}, the environment as {@link #processBuilder} makes it. */
    public static PackagedBroker start(List<String> props, Map<String, String> env) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR + " is missing: the packaged jar is built by `./mvnw package` before the ITs run");
        }
        Path log = Files.createTempFile("broker-packaged", ".log");
        Process p = processBuilder(props, env).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String out = "";
        while (System.nanoTime() < deadline && p.isAlive()) {
            out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher a = API.matcher(out);
            Matcher m = MANAGEMENT.matcher(out);
            if (a.find() && m.find()) {
                return new PackagedBroker(p, log, URI.create("http://127.0.0.1:" + a.group(1)),
                        URI.create("http://127.0.0.1:" + m.group(1)));
            }
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        stop(p);
        throw new AssertionError("the packaged broker did not start listening on both ports:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The API port: the API and {@code /q/openapi}. */
    public URI api() {
        return api;
    }

    /** The management interface (plain HTTP): {@code /q/health/*} and {@code /q/metrics}. */
    public URI management() {
        return management;
    }

    /** Everything the broker has printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends the process SIGTERM (what the kubelet sends after preStop), as {@link Process#destroy()}
     * does on Unix; the future completes when it has exited.
     */
    public java.util.concurrent.CompletableFuture<Process> terminate() {
        process.destroy();
        return process.onExit();
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
        new File(log.toString()).delete();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
