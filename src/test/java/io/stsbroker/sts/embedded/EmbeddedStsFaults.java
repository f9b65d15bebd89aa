package io.stsbroker.sts.embedded;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault controls of an embedded STS, installed by a test tap ({@link TestTap}). One fault at a time (the last one set wins), for
 * every role or only for role ARNs containing a given text, optionally with added latency:
 * <ul>
 *   <li>{@link #failWith}: answer with a chosen STS error code and HTTP status;</li>
 *   <li>{@link #failNext}: the same for the next few calls only;</li>
 *   <li>{@link #failRate}: answer a fixed fraction of calls with an error code, the rest normally,
 *       decided by a seeded {@link Random} so a test sees the same sequence every run;</li>
 *   <li>{@link #dropConnections}: close the TCP connection without answering;</li>
 *   <li>{@link #hang}: accept the request and never answer;</li>
 *   <li>{@link #delay}: answer everything late.</li>
 * </ul>
 * While any control is set, the arrival time of every request is recorded ({@link #arrivals}), so a
 * test can measure the spacing of retries as STS sees them.
 *
 * <p>Test sources only: in a {@code @QuarkusTest} inject it (see {@link EmbeddedStsTestBeans}); a
 * packaged broker's upstream gets one from {@link LoopbackSts#faults()}.
 */
public final class EmbeddedStsFaults {

    private enum Mode { ERROR, DROP, HANG }

    /**
     * A fault for ARNs containing {@code roleArnContains} (null: all); {@code random} null means every
     * call; {@code remaining} non-null limits it to that many calls.
     */
    private record Rule(Mode mode, String code, int status, String roleArnContains, double rate, Random random,
                        AtomicInteger remaining) {
        Rule(Mode mode, String code, int status, String roleArnContains, double rate, Random random) {
            this(mode, code, status, roleArnContains, rate, random, null);
        }

        boolean appliesTo(String roleArn) {
            if (roleArnContains != null && !roleArn.contains(roleArnContains)) {
                return false;
            }
            if (remaining != null) {
                return remaining.getAndDecrement() > 0;
            }
            if (random == null) {
                return true;
            }
            synchronized (random) {
                return random.nextDouble() < rate;
            }
        }
    }

    /** One request as the embedded STS saw it arrive. */
    public record Arrival(long nanoTime, String roleArn) {
    }

    /** Enough for any one test; older arrivals are dropped first. */
    private static final int MAX_ARRIVALS = 10_000;

    private final Vertx vertx;
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivalCount = new AtomicInteger();
    private volatile Rule rule;
    private volatile Duration delay = Duration.ZERO;
    /** True from the first control set until {@link #clear()}: only then are requests looked at. */
    private volatile boolean active;

    /** @param vertx runs the timers of delayed answers */
    public EmbeddedStsFaults(Vertx vertx) {
        this.vertx = vertx;
    }

    /** From now on, AssumeRole for ARNs containing {@code roleArnContains} (null: all) fails with {@code code}. */
    public void failWith(String code, int httpStatus, String roleArnContains) {
        set(new Rule(Mode.ERROR, code, httpStatus, roleArnContains, 1.0, null));
    }

    /** The next {@code times} AssumeRole calls for ARNs containing {@code roleArnContains} fail with {@code code}; later ones succeed. */
    public void failNext(int times, String code, int httpStatus, String roleArnContains) {
        set(new Rule(Mode.ERROR, code, httpStatus, roleArnContains, 1.0, null, new AtomicInteger(times)));
    }

    /**
     * From now on, each AssumeRole for ARNs containing {@code roleArnContains} (null: all) fails with
     * {@code code} with probability {@code fraction}, drawn from {@code new Random(seed)}: the same
     * seed gives the same sequence of failures and successes.
     */
    public void failRate(double fraction, String code, int httpStatus, long seed, String roleArnContains) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be within [0, 1]: " + fraction);
        }
        set(new Rule(Mode.ERROR, code, httpStatus, roleArnContains, fraction, new Random(seed)));
    }

    /** From now on, requests for ARNs containing {@code roleArnContains} (null: all) get their connection closed, unanswered. */
    public void dropConnections(String roleArnContains) {
        set(new Rule(Mode.DROP, null, 0, roleArnContains, 1.0, null));
    }

    /**
     * From now on, requests for ARNs containing {@code roleArnContains} (null: all) are accepted and
     * never answered: the connection stays open until the client gives up.
     */
    public void hang(String roleArnContains) {
        set(new Rule(Mode.HANG, null, 0, roleArnContains, 1.0, null));
    }

    /** From now on, every answer is sent {@code d} late. */
    public void delay(Duration d) {
        delay = d;
        install();
    }

    /** Records arrivals ({@link #arrivals}) without any fault. */
    public void record() {
        install();
    }

    /** Arrival times of the requests for ARNs containing {@code roleArnContains} (null: all), oldest first. */
    public List<Long> arrivals(String roleArnContains) {
        List<Long> times = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (roleArnContains == null || a.roleArn().contains(roleArnContains)) {
                times.add(a.nanoTime());
            }
        }
        return times;
    }

    /** Back to normal behaviour; forgets recorded arrivals. Requests already hanging stay so until the client gives up. */
    public void clear() {
        active = false;
        rule = null;
        delay = Duration.ZERO;
        arrivals.clear();
        arrivalCount.set(0);
    }

    private void set(Rule r) {
        rule = r;
        install();
    }

    private void install() {
        active = true;
    }

    /** Runs the controls before {@code next}, the normal handling of a request. */
    Handler<HttpServerRequest> wrap(Handler<HttpServerRequest> next) {
        return request -> {
            if (!active || !intercept(request, next)) {
                next.handle(request);
            }
        };
    }

    /** @return true when a control took the request over and {@code next} must not run now */
    private boolean intercept(HttpServerRequest request, Handler<HttpServerRequest> next) {
        String roleArn = roleArn(request);
        arrivals.add(new Arrival(System.nanoTime(), roleArn));
        if (arrivalCount.incrementAndGet() > MAX_ARRIVALS) {
            arrivals.poll();
            arrivalCount.decrementAndGet();
        }
        Rule r = rule;
        boolean fault = r != null && r.appliesTo(roleArn);
        long delayMillis = delay.toMillis();
        if (!fault && delayMillis <= 0) {
            return false;
        }
        if (!fault) {
            request.pause();
            vertx.setTimer(delayMillis, id -> {
                request.resume();
                next.handle(request);
            });
            return true;
        }
        Runnable act = switch (r.mode()) {
            case HANG -> () -> { };
            case DROP -> () -> request.connection().close();
            case ERROR -> {
                StsReply reply = StsReply.error(UUID.randomUUID().toString().toUpperCase(Locale.ROOT),
                        new StsError(r.status(), r.code(), "Injected fault " + r.code() + "."));
                yield () -> request.response().setStatusCode(reply.status())
                        .putHeader("content-type", "application/json;charset=utf-8")
                        .end(reply.body());
            }
        };
        if (delayMillis > 0) {
            vertx.setTimer(delayMillis, id -> act.run());
        } else {
            act.run();
        }
        return true;
    }

    private static String roleArn(HttpServerRequest request) {
        List<String> v = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters().get("RoleArn");
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
