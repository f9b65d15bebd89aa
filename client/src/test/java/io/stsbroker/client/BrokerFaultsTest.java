package io.stsbroker.client;

import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The client against a fake broker that stalls, floods and fails: every call ends, and failures do not multiply. */
class BrokerFaultsTest {
    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";

    private final MutableClock clock = new MutableClock(START);
    private final List<Duration> sleeps = new ArrayList<>();
    private FakeBroker broker;

    @AfterEach
    void stop() throws IOException {
        if (broker != null) {
            broker.close();
        }
    }

    private BrokerClient.Builder client() throws IOException {
        broker = broker == null ? new FakeBroker() : broker;
        return BrokerClient.builder().environment(name -> null).baseUrl(broker.url()).token(TOKEN).clock(clock)
                .sleeper(sleeps::add);
    }

    // ---- 1. deadlines ----------------------------------------------------------------------

    @Test
    void stalledBody_endsTheCallAtTheRequestTimeout() throws IOException {
        BrokerClient client = client().requestTimeout(Duration.ofMillis(500)).build();
        broker.behave(broker.stallBody());

        BrokerUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> catchThrowableOfType(BrokerUnavailableException.class, () -> client.fetch("search-reader")));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(BrokerError.CLIENT_NETWORK);
        assertThat(e.getMessage()).contains("no complete answer within the 500 ms allowed");
    }

    @Test
    void floodedBody_isCutAndRefusedWithoutReadingItAll() throws IOException {
        BrokerClient client = client().build();
        broker.behave(FakeBroker.flood());

        BrokerException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> catchThrowableOfType(BrokerException.class, () -> client.fetch("search-reader")));

        assertThat(e.code()).isEqualTo(BrokerError.CLIENT_MALFORMED_RESPONSE);
    }

    @Test
    void waitForAFetchStartedByAnotherCaller_endsAtMaxWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CredentialsFetcher stuck = role -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new BrokerUnavailableException("late", BrokerError.client(BrokerError.CLIENT_NETWORK, "late"), null, null);
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (BrokerCredentials credentials = BrokerCredentials.builder(stuck, "search-reader").clock(clock)
                .maxWait(Duration.ofMillis(200)).build()) {
            pool.submit(credentials::credentials);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            BrokerUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> catchThrowableOfType(BrokerUnavailableException.class, credentials::credentials));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("Gave up waiting for the running fetch");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    // ---- 2. no retry storm -------------------------------------------------------------------

    static Stream<FakeBroker.Behaviour> failures() {
        String body = "{\"code\":\"X\",\"message\":\"no\"}";
        return Stream.of(
                FakeBroker.json(401, Map.of(), body),
                FakeBroker.json(403, Map.of(), body),
                FakeBroker.json(429, Map.of("Retry-After", "60"), body),
                FakeBroker.json(500, Map.of(), body),
                FakeBroker.json(503, Map.of("Retry-After", "0"), body),
                FakeBroker.drop());
    }

    @ParameterizedTest
    @MethodSource("failures")
    void failingBroker_manyThreadsAskingAgainAndAgain_causeAFewRequestsPerSecondAtMost(FakeBroker.Behaviour failure)
            throws Exception {
        BrokerClient client = client().build();
        broker.behave(failure);
        try (BrokerCredentials credentials = client.credentials("search-reader")) {
            hammer(credentials, 16, 50);
            int firstSecond = broker.requests();

            clock.advance(Duration.ofSeconds(1));
            hammer(credentials, 16, 50);

            // One fetch per "not before" period: at most 3 attempts (each of which the JDK client sends
            // twice when the connection drops before an answer), plus one identity look-up for a 403.
            assertThat(firstSecond).isBetween(1, 6);
            assertThat(broker.requests()).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void retryAfterAboveTheRetryCap_isHonouredByLaterCalls() throws Exception {
        BrokerClient client = client().build();
        broker.behave(FakeBroker.json(429, Map.of("Retry-After", "60"), "{\"code\":\"Throttling\"}"));
        catchThrowableOfType(BrokerUnavailableException.class, () -> client.fetch("search-reader"));
        assertThat(broker.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(59));
        BrokerUnavailableException remembered = catchThrowableOfType(BrokerUnavailableException.class,
                () -> client.fetch("search-reader"));
        assertThat(broker.requests()).isEqualTo(1);
        assertThat(remembered.retryAfter()).contains(Duration.ofSeconds(1));

        clock.advance(Duration.ofSeconds(1));
        broker.behave(FakeBroker.credentials(START.plusSeconds(3600)));
        assertThat(client.fetch("search-reader").accessKeyId()).startsWith("STS.fake");
        assertThat(broker.requests()).isEqualTo(2);
    }

    @Test
    void loopOnAnUngrantedRole_sendsOneRequestAndOneIdentityLookUp() throws Exception {
        BrokerClient client = client().build();
        broker.behave((head, out) -> (head.startsWith("GET /api/v1/status")
                ? FakeBroker.json(200, Map.of(), "{\"status\":\"UP\",\"caller\":\"apikey:dev\"}")
                : FakeBroker.json(403, Map.of(), "{\"code\":\"Forbidden\"}")).answer(head, out));

        for (int i = 0; i < 200; i++) {
            BrokerAccessDeniedException e = catchThrowableOfType(BrokerAccessDeniedException.class,
                    () -> client.fetch("not-granted"));
            assertThat(e.identity()).contains("apikey:dev");
        }

        assertThat(broker.requests()).isEqualTo(2);
    }

    @Test
    void backoffAfterFailuresInARow_doublesUpToTheCap() throws Exception {
        BrokerClient client = client().maxFailureBackoff(Duration.ofSeconds(4)).build();
        broker.behave(FakeBroker.json(500, Map.of(), "{}"));
        List<Integer> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            catchThrowableOfType(BrokerException.class, () -> client.fetch("r"));
            Instant notBefore = client.notBefore("r").orElseThrow();
            waits.add((int) Duration.between(clock.instant(), notBefore).toSeconds());
            clock.set(notBefore);
        }

        assertThat(waits).containsExactly(1, 2, 4, 4, 4);
    }

    private static void hammer(BrokerCredentials credentials, int threads, int callsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger served = new AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) {
                        try {
                            credentials.credentials();
                            served.incrementAndGet();
                        } catch (BrokerException expected) {
                            // every call fails: the broker does
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(served).hasValue(0);
    }

    // ---- 7. clear text and proxies -----------------------------------------------------------

    @Test
    void plainHttpToAnotherHost_isRefusedUnlessAllowedExplicitly() {
        assertThatThrownBy(() -> BrokerClient.builder().environment(name -> null).baseUrl("http://sts-broker.internal")
                .token("t").build())
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("STS_BROKER_ALLOW_PLAIN_HTTP=true")
                .hasMessageContaining("allowPlainHttp(true)");

        assertThat(BrokerClient.builder().environment(Map.of("STS_BROKER_ALLOW_PLAIN_HTTP", "true")::get)
                .baseUrl("http://sts-broker.internal").token("t").build().baseUrl()).hasHost("sts-broker.internal");
        assertThat(BrokerClient.builder().environment(name -> null).allowPlainHttp(true)
                .baseUrl("http://10.0.0.7:8080").token("t").build().baseUrl()).hasHost("10.0.0.7");
        assertThat(BrokerClient.builder().environment(name -> null).baseUrl("http://127.0.0.1:8080")
                .token("t").build().baseUrl()).hasHost("127.0.0.1");
        assertThatThrownBy(() -> BrokerClient.builder().environment(Map.of("STS_BROKER_ALLOW_PLAIN_HTTP", "yes")::get)
                .baseUrl("http://sts-broker.internal").token("t").build())
                .hasMessageContaining("STS_BROKER_ALLOW_PLAIN_HTTP must be true or false");
    }

    @Test
    void jvmWideProxy_isNotUsedForTheBearerToken_butAProxyGivenToTheClientIs() throws Exception {
        try (FakeBroker proxy = new FakeBroker()) {
            ProxySelector toTheFake = fixed(new InetSocketAddress("127.0.0.1", proxy.port()));
            ProxySelector previous = ProxySelector.getDefault();
            ProxySelector.setDefault(toTheFake);
            BrokerClient client;
            try {
                client = client().build();
            } finally {
                ProxySelector.setDefault(previous);
            }
            client.fetch("search-reader");

            assertThat(proxy.requests()).isZero();
            assertThat(broker.heads()).singleElement().asString().contains("Bearer " + TOKEN);

            client().proxy(toTheFake).build().fetch("search-reader");
            assertThat(proxy.requests()).as("the proxy chosen for this client").isEqualTo(1);
        }
    }

    @Test
    void proxyNamedInTheEnvironment_isUsed_andAMalformedOneIsRefused() throws Exception {
        try (FakeBroker proxy = new FakeBroker()) {
            client().build(); // starts the broker
            BrokerClient client = BrokerClient.builder().environment(Map.of("STS_BROKER_PROXY", "127.0.0.1:" + proxy.port())::get)
                    .baseUrl(broker.url()).token(TOKEN).clock(clock).build();

            client.fetch("search-reader");

            assertThat(proxy.requests()).isEqualTo(1);
            assertThat(broker.requests()).isZero();
            assertThatThrownBy(() -> BrokerClient.builder().environment(Map.of("STS_BROKER_PROXY", "http://u:pw@p/x")::get)
                    .baseUrl(broker.url()).token(TOKEN).build())
                    .isInstanceOf(BrokerConfigurationException.class)
                    .hasMessageContaining("STS_BROKER_PROXY must be host:port").hasMessageNotContaining("pw");
        }
    }

    private static ProxySelector fixed(InetSocketAddress address) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, address));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
    }

    // ---- 8. broker text ------------------------------------------------------------------------

    @Test
    void brokerMessage_isBoundedOnOneLineAndNeverCarriesTheToken() throws Exception {
        BrokerClient client = client().retryPolicy(RetryPolicy.NONE).build();
        String hostile = "echo: Authorization: Bearer " + TOKEN + "\nINFO forged line\u2028\u001b[31mred\u202e"
                + "x".repeat(5000);
        broker.behave(FakeBroker.json(400, Map.of(), "{\"code\":\"Bad\\nCode\",\"message\":"
                + io.stsbroker.client.internal.Json.quote(hostile) + "}"));

        BrokerException e = catchThrowableOfType(BrokerException.class, () -> client.fetch("search-reader"));

        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("\n").doesNotContain("\u2028")
                .doesNotContain("\u001b").doesNotContain("\u202e").hasSizeLessThan(1000);
        assertThat(e.code()).isEqualTo("Http400");
        assertThat(e.error().message()).doesNotContain(TOKEN).hasSizeLessThanOrEqualTo(303);
    }

    @Test
    void tokenEchoedWithoutBearerPrefix_isRedactedToo() throws Exception {
        BrokerClient client = client().retryPolicy(RetryPolicy.NONE).token("plain-api-key-123").build();
        broker.behave(FakeBroker.json(401, Map.of(), "{\"code\":\"Unauthorized\",\"message\":\"bad key plain-api-key-123\"}"));

        BrokerException e = catchThrowableOfType(BrokerException.class, () -> client.fetch("search-reader"));

        assertThat(e.getMessage()).doesNotContain("plain-api-key-123").contains("<redacted>");
    }

    @Test
    void credentialFieldsOutsideTheirCharacterSet_areRefused() throws Exception {
        BrokerClient client = client().build();
        Map<String, String> bad = Map.of("accessKeyId", "STS.a\\u0007b", "accessKeySecret", "s e",
                "securityToken", "CAIS\\nx", "role", "r\\u001b[0m");
        for (Map.Entry<String, String> field : bad.entrySet()) {
            Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("accessKeyId", "STS.ok",
                    "accessKeySecret", "sec", "securityToken", "tok", "expiration", START.plusSeconds(3600).toString()));
            fields.put(field.getKey(), field.getValue());
            StringBuilder body = new StringBuilder("{");
            fields.forEach((k, v) -> body.append(body.length() > 1 ? "," : "").append('"').append(k).append("\":\"")
                    .append(v).append('"'));
            body.append('}');
            broker.behave(FakeBroker.json(200, Map.of(), body.toString()));
            clock.advance(Duration.ofMinutes(5)); // past any remembered failure

            BrokerException e = catchThrowableOfType(BrokerException.class, () -> client.fetch("search-reader"));

            assertThat(e).as(field.getKey()).isNotNull();
            assertThat(e.code()).isEqualTo(BrokerError.CLIENT_MALFORMED_RESPONSE);
            assertThat(e.getMessage()).doesNotContain("\u0007").doesNotContain("\u001b");
        }
        broker.behave(FakeBroker.json(200, Map.of(), "{\"accessKeyId\":\"STS.ok\",\"accessKeySecret\":\"sec\","
                + "\"securityToken\":\"tok\",\"expiration\":\"" + START.plusSeconds(3600) + "\",\"role\":\"r\"}"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(client.fetch("search-reader").accessKeyId()).as("the same body, well-formed").isEqualTo("STS.ok");
    }
}
