package io.stsbroker.hardening.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.StsCounters;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static io.stsbroker.hardening.upstream.Lab.caller;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One caller floods {@code POST /v1/credentials} with a new session policy every few milliseconds
 * while other callers ask for their first credential: the others all get theirs, the flooder gets
 * 429, STS sees no more than the budget, and the log stays quiet (no ERROR, at most one WARN per
 * second of each kind). Runs with the warm route on ({@link MintFloodTest}) and off
 * ({@link MintFloodWarmRouteOffTest}), each its own application with a budget of 10 calls/s.
 */
@QuarkusTest
@TestProfile(MintFloodTest.SmallBudget.class)
class MintFloodTest {

    static final int BUDGET = 10;
    /** The default of broker.cache.max-variants-per-caller. */
    static final int MAX_VARIANTS = 10;
    /** The default of broker.sts.max-attempts: a call that times out is tried again. */
    static final int MAX_ATTEMPTS = 3;
    /** The default of broker.rate-limit.mints-per-caller. */
    static final int MINTS_PER_MINUTE = 20;

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Generous waits: on a machine shared by many test runs the whole JVM was seen to stall
            // for 4 s in the full suite, and what is tested here is who gets the budget, not how
            // fast. (Without the mint limits the flood still fills even a 15 s queue within about
            // a second: 150 new policies a second against 10 calls a second.)
            return Map.of("broker.sts.max-calls-per-second", Integer.toString(BUDGET),
                    "broker.sts.budget-wait", "15s",
                    "broker.sts.timeout", "10s",
                    "broker.request-timeout", "30s",
                    // HttpRouting requires the idle timeout to outlast a request waiting on STS.
                    "quarkus.http.idle-timeout", "45s");
        }
    }

    @Inject
    StsCounters sts;
    @Inject
    MeterRegistry meters;

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() throws InterruptedException {
        Lab.quiesce(meters);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
    }

    private double counter(String name, String tag, String value) {
        return meters.counter(name, tag, value).count();
    }

    /** The flood's requests: java.net.http, asynchronous, so the client keeps pace on a busy machine. */
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    private static java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> postPolicyAsync(
            String token, String policy) {
        String body = "{\"role\":\"" + Lab.ROLE + "\",\"policy\":" + quoted(policy) + "}";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/v1/credentials"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Response postPolicy(String token, String policy) {
        return given().header("Authorization", token).contentType("application/json")
                .body(Map.of("role", Lab.ROLE, "policy", policy)).post("/v1/credentials");
    }

    @Test
    void aCallerFloodingWithNewPoliciesGets429WhileOtherCallersGetTheirFirstCredential() throws Exception {
        String prefix = getClass().getSimpleName() + "-";
        String flooderName = prefix + "flooder";
        String flooder = caller(flooderName);
        int floodRequests = 1_500;                       // 150 distinct policies a second for 10 s
        long spacingMicros = 10_000_000L / floodRequests;
        int coldCallers = 20;
        double refusedBefore = counter("broker.mints.refused", "reason", "variant-limit")
                + counter("broker.mints.refused", "reason", "mint-limit");
        long callsBefore = sts.callCount();

        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(16);
        ExecutorService cold = Executors.newFixedThreadPool(coldCallers);
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> flood =
                java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<Response>> firsts = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < floodRequests; i++) {
                String policy = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:Get*\","
                        + "\"Resource\":\"acs:oss:*:*:bucket-" + i + "/*\"}]}";
                pacer.schedule(() -> flood.add(postPolicyAsync(flooder, policy)), i * spacingMicros, TimeUnit.MICROSECONDS);
            }
            // Four waves of five first requests, spread over the flood.
            for (int wave = 0; wave < 4; wave++) {
                Thread.sleep(wave == 0 ? 1_000 : 2_000);
                for (int c = 0; c < 5; c++) {
                    String token = caller(prefix + "cold-" + (wave * 5 + c));
                    firsts.add(cold.submit(() -> Lab.vend(token)));
                }
            }
            List<Response> coldAnswers = new ArrayList<>();
            for (Future<Response> f : firsts) {
                coldAnswers.add(f.get(60, TimeUnit.SECONDS));
            }
            Lab.await(() -> flood.size() == floodRequests, "every flood request sent");
            Map<Integer, Integer> floodStatuses = new TreeMap<>();
            List<java.net.http.HttpResponse<String>> floodAnswers = new ArrayList<>();
            for (var f : List.copyOf(flood)) {
                var r = f.get(60, TimeUnit.SECONDS);
                floodAnswers.add(r);
                floodStatuses.merge(r.statusCode(), 1, Integer::sum);
            }
            Lab.quiesce(meters);
            double seconds = (System.nanoTime() - start) / 1e9;
            long calls = sts.callCount() - callsBefore;
            long flooderCalls = sts.callCount(Lab.session(flooderName));
            double refused = counter("broker.mints.refused", "reason", "variant-limit")
                    + counter("broker.mints.refused", "reason", "mint-limit") - refusedBefore;
            System.out.printf("[mint-flood] %s: %d flood requests in %.1f s: %s; %d first requests: %s; STS calls %d"
                            + " (flooder %d), budget %d/s; mints refused %.0f%n", getClass().getSimpleName(),
                    floodRequests, seconds, floodStatuses, coldCallers,
                    coldAnswers.stream().map(Response::statusCode).toList(), calls, flooderCalls, BUDGET, refused);

            assertThat(coldAnswers).allSatisfy(r -> assertThat(r.statusCode()).as(r.asString()).isEqualTo(200));
            for (int c = 0; c < coldCallers; c++) {
                assertThat(sts.callCount(Lab.session(prefix + "cold-" + c))).isBetween(1L, (long) MAX_ATTEMPTS);
            }
            // The flooder's own extra variants wait behind cold callers and may run out of budget
            // wait (503); every mint it starts, answered 200 or 503, counts against its limits.
            assertThat(floodStatuses.keySet()).isSubsetOf(200, 429, 503);
            int flooderOk = floodStatuses.getOrDefault(200, 0);
            int flooderThrottled = floodStatuses.getOrDefault(429, 0);
            int flooderMints = flooderOk + floodStatuses.getOrDefault(503, 0);
            assertThat(flooderOk).isBetween(1, MAX_VARIANTS);
            assertThat(flooderMints).isLessThanOrEqualTo(MINTS_PER_MINUTE + (int) Math.ceil(seconds / 60 * MINTS_PER_MINUTE));
            assertThat(flooderThrottled).isEqualTo(floodRequests - flooderMints);
            assertThat(floodAnswers).filteredOn(r -> r.statusCode() == 429).allSatisfy(r -> {
                assertThat(r.body()).contains("\"code\":\"Throttling\"");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            });
            assertThat(refused).isEqualTo(flooderThrottled);
            // The flooder's calls are bounded by its admitted mints (a retry only after an attempt failed),
            // and all calls together stay within the budget.
            assertThat(flooderCalls).isBetween((long) flooderOk, (long) flooderMints * MAX_ATTEMPTS);
            assertThat(calls).isEqualTo(flooderCalls + java.util.stream.IntStream.range(0, coldCallers)
                    .mapToLong(c -> sts.callCount(Lab.session(prefix + "cold-" + c))).sum());
            assertThat((double) calls).isLessThanOrEqualTo(1 + BUDGET * seconds);
            assertQuietLog(seconds);
        } finally {
            pacer.shutdownNow();
            cold.shutdownNow();
        }
    }

    @Test
    void equalPoliciesWrittenDifferentlyShareOneCredential() {
        String name = getClass().getSimpleName() + "-canonical";
        String token = caller(name);
        Response a = postPolicy(token, "{\"Version\":\"1\",\"Statement\":[]}");
        Response b = postPolicy(token, "{ \"Statement\" : [ ],\n  \"Version\" : \"1\" }");
        assertThat(a.statusCode()).as(a.asString()).isEqualTo(200);
        assertThat(b.statusCode()).as(b.asString()).isEqualTo(200);
        assertThat(b.<String>path("accessKeyId")).isEqualTo(a.path("accessKeyId"));
        assertThat(sts.callCount(Lab.session(name))).isEqualTo(1);
    }

    @Test
    void aFloodOfColdCallersBeyondTheBudgetIsCountedNotLoggedLineByLine() throws Exception {
        String prefix = getClass().getSimpleName() + "-burst-";
        // 10 calls a second for at most 15 s serve about 150; the rest must be refused.
        int callers = 250;
        double rejectedBefore = counter("broker.upstream.budget", "result", "rejected");
        List<java.net.http.HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            requests.add(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://localhost:" + io.restassured.RestAssured.port + "/v1/credentials/" + Lab.ROLE))
                    .header("Authorization", caller(prefix + i)).GET().build());
        }
        long start = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> all = requests.stream()
                .map(r -> HTTP.sendAsync(r, java.net.http.HttpResponse.BodyHandlers.ofString())).toList();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (var f : all) {
            statuses.merge(f.get(90, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
        }
        Lab.quiesce(meters);
        double seconds = (System.nanoTime() - start) / 1e9;
        int refused = statuses.getOrDefault(503, 0);
        System.out.printf("[mint-flood] %d cold callers at once, budget %d/s: %s in %.1f s%n", callers, BUDGET,
                statuses, seconds);
        assertThat(statuses.keySet()).isSubsetOf(200, 503);
        assertThat(refused).as("the burst is beyond the budget's wait").isPositive();
        assertThat(counter("broker.upstream.budget", "result", "rejected") - rejectedBefore).isEqualTo(refused);
        assertQuietLog(seconds);
    }

    /** No ERROR at all, and at most one WARN of each kind (logger) per second of the run. */
    private void assertQuietLog(double seconds) {
        assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                .extracting(r -> r.getLoggerName() + ": " + r.getMessage()).isEmpty();
        Map<String, Integer> warnings = new TreeMap<>();
        records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .forEach(r -> warnings.merge(r.getLoggerName(), 1, Integer::sum));
        System.out.printf("[mint-flood] WARN lines by kind over %.1f s: %s%n", seconds, warnings);
        assertThat(warnings).allSatisfy((kind, n) -> assertThat(n).as(kind).isLessThanOrEqualTo((int) Math.ceil(seconds) + 1));
    }
}
