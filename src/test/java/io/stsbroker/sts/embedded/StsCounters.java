package io.stsbroker.sts.embedded;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.stsbroker.policy.SessionNames;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What reached an embedded STS, counted by a test tap ({@link TestTap}): every request to {@code /}
 * as it arrives (before any injected fault or delay, so a request is counted before the broker can
 * possibly see its answer), per {@code RoleSessionName} (one broker caller), per role ARN, with
 * arrival times; the credentials issued; requests in flight and TCP connections, with their peaks.
 *
 * <p>Count per session or per caller, not globally, when other callers' background refreshes may run.
 */
public final class StsCounters {

    /**
     * One request to {@code /} as it arrived; absent query parameters are empty strings.
     *
     * @param at              the STS clock's time of arrival
     * @param nanoTime        {@link System#nanoTime()} at arrival, for measuring spacing
     * @param roleArn         the {@code RoleArn} asked for
     * @param roleSessionName the {@code RoleSessionName}: one broker caller ({@link SessionNames})
     * @param accessKeyId     the {@code AccessKeyId} that signed the request: the broker's own identity
     */
    public record Arrival(Instant at, long nanoTime, String roleArn, String roleSessionName, String accessKeyId) {
    }

    /** Bounded so a flood test cannot exhaust the heap; oldest arrivals are dropped first. */
    static final int MAX_ARRIVALS = 100_000;
    /** Calls are counted for at most this many sessions and roles. */
    static final int MAX_KEYS_COUNTED = 100_000;

    private final Clock clock;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong peakInFlight = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong peakConnections = new AtomicLong();
    private final Map<String, AtomicLong> callsBySession = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> callsByRole = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivalCount = new AtomicInteger();

    /** @param clock stamps {@link Arrival#at()}: the STS's own clock */
    public StsCounters(Clock clock) {
        this.clock = clock;
    }

    /** Requests to {@code /} received so far, however they were answered (or not): the exact number of upstream calls. */
    public long callCount() {
        return calls.get();
    }

    /** Requests to {@code /} with this {@code RoleSessionName}: one broker caller's calls, exact while others' run. */
    public long callCount(String roleSessionName) {
        return count(callsBySession, roleSessionName);
    }

    /** Requests to {@code /} from the broker caller with this identity (e.g. {@code apikey:ci}), by its session name. */
    public long callCountForCaller(String callerIdentity) {
        return callCount(SessionNames.of(callerIdentity));
    }

    /** Requests to {@code /} for this exact role ARN. */
    public long callCountForRole(String roleArn) {
        return count(callsByRole, roleArn);
    }

    /** AssumeRole requests answered with credentials so far. */
    public long issuedCount() {
        return issued.get();
    }

    /** Requests received and not yet answered or dropped: what a hanging STS is holding right now. */
    public long inFlight() {
        return inFlight.get();
    }

    /** The most requests in flight at once since start or {@link #resetPeaks()}. */
    public long peakInFlight() {
        return peakInFlight.get();
    }

    /** TCP connections open to the STS right now (idle keep-alive ones included). */
    public long openConnections() {
        return connections.get();
    }

    /** The most TCP connections open at once since start or {@link #resetPeaks()}. */
    public long peakConnections() {
        return peakConnections.get();
    }

    /** Starts the peaks over from the current values, so a test can measure its own burst. */
    public void resetPeaks() {
        peakInFlight.set(inFlight.get());
        peakConnections.set(connections.get());
    }

    /** The recorded arrivals that match {@code filter}, oldest first (at most {@value #MAX_ARRIVALS} are kept). */
    public List<Arrival> arrivals(Predicate<Arrival> filter) {
        List<Arrival> out = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (filter.test(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Every recorded arrival, oldest first. */
    public List<Arrival> arrivals() {
        return arrivals(a -> true);
    }

    void connected(HttpConnection connection) {
        peakConnections.accumulateAndGet(connections.incrementAndGet(), Math::max);
        connection.closeHandler(ignored -> connections.decrementAndGet());
    }

    Handler<HttpServerRequest> wrap(Handler<HttpServerRequest> next) {
        return request -> {
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            AtomicBoolean finished = new AtomicBoolean();
            Runnable finish = () -> {
                if (finished.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            request.response().endHandler(ignored -> finish.run());
            request.response().closeHandler(ignored -> finish.run());
            if ("/".equals(request.path())) {
                arrived(request);
            }
            next.handle(request);
        };
    }

    StsReply exchange(StsReply reply) {
        if (reply.isSuccess()) {
            issued.incrementAndGet();
        }
        return reply;
    }

    private void arrived(HttpServerRequest request) {
        calls.incrementAndGet();
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters();
        } catch (IllegalArgumentException badEncoding) {
            query = Map.of();
        }
        Arrival a = new Arrival(clock.instant(), System.nanoTime(), first(query, "RoleArn"),
                first(query, "RoleSessionName"), first(query, "AccessKeyId"));
        increment(callsBySession, a.roleSessionName());
        increment(callsByRole, a.roleArn());
        arrivals.add(a);
        if (arrivalCount.incrementAndGet() > MAX_ARRIVALS) {
            arrivals.poll();
            arrivalCount.decrementAndGet();
        }
    }

    private static void increment(Map<String, AtomicLong> counts, String key) {
        if (!key.isEmpty() && (counts.size() < MAX_KEYS_COUNTED || counts.containsKey(key))) {
            counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static long count(Map<String, AtomicLong> counts, String key) {
        AtomicLong n = counts.get(key);
        return n == null ? 0 : n.get();
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
