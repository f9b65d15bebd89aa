package io.stsbroker.sts.embedded;

import io.vertx.core.Vertx;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A fault-capable embedded STS inside the test JVM, on a free {@code 127.0.0.1} port over plain
 * HTTP, for brokers that tests run as processes ({@code io.stsbroker.testing.PackagedBroker}): the
 * brokers reach it as a real Alibaba STS ({@code broker.sts.provider=alibaba}) and the test counts
 * and steers what they send. Several brokers may share one.
 *
 * <pre>{@code
 * try (LoopbackSts sts = LoopbackSts.start();
 *      PackagedBroker broker = PackagedBroker.start(sts.brokerProperties(myProps), sts.brokerEnvironment())) {
 *     ... // call the broker
 *     assertThat(sts.counters().callCountForCaller("apikey:ci")).isEqualTo(1);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #counters()}: AssumeRole calls per session, caller or role, with arrival times;
 *       credentials issued; requests in flight and connections.</li>
 *   <li>{@link #faults()}: errors (always or at a seeded rate), dropped connections, hanging or
 *       slow answers, for all roles or some.</li>
 *   <li>{@link #recorder()}: what was asked for each credential issued, and short-lived
 *       credentials ({@link StsRecorder#issueShortLived}).</li>
 * </ul>
 * Brokers sign with a random static AccessKey of this STS ({@code broker.sts.identity=static},
 * passed in the environment as credentials-java's variables); its clock is the wall clock unless
 * given, since the brokers' timestamps are checked against it (±15 minutes).
 */
public final class LoopbackSts implements AutoCloseable {

    private final Vertx vertx;
    private final EmbeddedStsKeys keys;
    private final EmbeddedSts server;
    private final StsCounters counters;
    private final EmbeddedStsFaults faults;
    private final StsRecorder recorder;

    private LoopbackSts(Vertx vertx, EmbeddedStsKeys keys, EmbeddedSts server, Clock clock) {
        this.vertx = vertx;
        this.keys = keys;
        this.server = server;
        this.counters = new StsCounters(clock);
        this.faults = new EmbeddedStsFaults(vertx);
        this.recorder = new StsRecorder(clock);
        server.tap(new TestTap(counters, faults, recorder));
    }

    /** Starts one on a free port with the wall clock. */
    public static LoopbackSts start() {
        return start(Clock.systemUTC());
    }

    /** Starts one on a free port; {@code clock} checks request timestamps and dates the credentials. */
    public static LoopbackSts start(Clock clock) {
        Vertx vertx = Vertx.vertx();
        EmbeddedStsKeys keys = new EmbeddedStsKeys(Optional.empty(), Optional.empty(), Optional.empty(), new SecureRandom());
        try {
            return new LoopbackSts(vertx, keys, EmbeddedSts.listen(vertx, keys, clock, 0), clock);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}: the value of {@code broker.sts.endpoint}. */
    public String endpoint() {
        return server.baseUrl();
    }

    /**
     * {@code -D} options that point a packaged broker here ({@code broker.sts.provider=alibaba},
     * {@code broker.sts.endpoint}, {@code broker.sts.identity=static}), followed by {@code more}.
     */
    public List<String> brokerProperties(String... more) {
        return brokerProperties(List.of(more));
    }

    /** As {@link #brokerProperties(String...)}, with a list. */
    public List<String> brokerProperties(List<String> more) {
        List<String> props = new java.util.ArrayList<>(List.of("-Dbroker.sts.provider=alibaba",
                "-Dbroker.sts.endpoint=" + endpoint(), "-Dbroker.sts.identity=static"));
        props.addAll(more);
        return props;
    }

    /** The environment that gives a broker this STS's AccessKey ({@code ALIBABA_CLOUD_ACCESS_KEY_ID} and {@code _SECRET}). */
    public Map<String, String> brokerEnvironment() {
        return Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", keys.accessKeyId(),
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET", keys.accessKeySecret());
    }

    /** The AccessKey brokers sign with and the key of the issued tokens ({@link EmbeddedSecurityToken#verify}). */
    public EmbeddedStsKeys keys() {
        return keys;
    }

    /** What has arrived so far. */
    public StsCounters counters() {
        return counters;
    }

    /** The fault controls; {@link EmbeddedStsFaults#clear()} returns to normal answers. */
    public EmbeddedStsFaults faults() {
        return faults;
    }

    /** What was asked for each credential issued; short-lived credentials. */
    public StsRecorder recorder() {
        return recorder;
    }

    /** Stops listening and releases the port and the Vert.x threads. */
    @Override
    public void close() {
        server.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
