package io.stsbroker.request;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.auth.Caller;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.CallerRateLimiter;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestConfigs;
import io.stsbroker.vending.CredentialSource;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.VendedCredential;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The two modes of one credential request sequence: the warm mode declines, changing nothing (no
 * outcome counted, no limiter bucket touched, no fetch), whenever the cache cannot answer at once,
 * and once the full mode has cached the credential it serves the same one, counted like the full
 * path. Unit level, with a credential source that answers at once.
 */
class CredentialRequestsTest {

    private static final Caller ALICE = new Caller("apikey:alice", Caller.Kind.API_KEY);

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger fetches = new AtomicInteger();
    private final CredentialSource source = (key, request, priority) -> Uni.createFrom().item(() ->
            new StsCredentials("STS.k" + fetches.incrementAndGet(), "secret", "token",
                    clock.instant().plus(Duration.ofHours(1)), "req"));
    private final BrokerConfig config = TestConfigs.broker(
            "broker.roles.reader.arn", "acs:ram::1234567890123456:role/reader",
            "broker.roles.reader.allow[0]", "apikey:alice",
            "broker.roles.other.arn", "acs:ram::1234567890123456:role/other",
            "broker.roles.other.allow[0]", "apikey:bob");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AuditLog audit = new AuditLog(clock);
    private final CallerRateLimiter limiter = new CallerRateLimiter(config, meters, io.github.bucket4j.TimeMeter.SYSTEM_NANOTIME);
    private final CredentialRequests requests = new CredentialRequests(new AccessPolicy(config, audit), limiter,
            new CredentialVendor(clock, source, audit, config, meters), new VendOutcomes(meters));

    private VendedCredential vendFully(String role) throws Exception {
        return requests.vend(ALICE, () -> new CredentialRequest(role, null, CredentialRequest.Parameters.NONE, "req-1"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS).credential();
    }

    private double outcomes() {
        return meters.find("broker.vend.requests").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aMissDeclinesWithoutCountingLimitingOrFetching() {
        assertThat(requests.tryWarm(ALICE, "reader", "req-0")).isNull();

        assertThat(fetches).hasValue(0);
        assertThat(outcomes()).isZero();
        assertThat(meters.counter("broker.vend.warm").count()).isZero();
        assertThat(limiter.trackedCallers()).as("no limiter bucket taken").isZero();
    }

    @Test
    void aRoleNotGrantedDeclinesQuietlyAndTheFullModeRefusesIt() {
        assertThat(requests.tryWarm(ALICE, "other", "req-0")).isNull();
        assertThat(outcomes()).isZero();

        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> vendFully("other"));

        assertThat(e.getCause()).isInstanceOf(BrokerException.class);
        assertThat(((BrokerException) e.getCause()).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(meters.counter("broker.vend.requests", "outcome", "Forbidden").count()).isEqualTo(1);
        assertThat(fetches).hasValue(0);
    }

    @Test
    void onceTheFullModeHasCachedACredentialTheWarmModeServesTheSameOne() throws Exception {
        VendedCredential full = vendFully("reader");
        VendedCredential warm = requests.tryWarm(ALICE, "reader", "req-2");

        assertThat(warm).isNotNull();
        assertThat(warm.credentials().accessKeyId()).isEqualTo(full.credentials().accessKeyId());
        assertThat(fetches).hasValue(1);
        assertThat(meters.counter("broker.vend.warm").count()).isEqualTo(1);
        assertThat(meters.counter("broker.vend.requests", "outcome", "Success").count()).isEqualTo(2);
    }

    @Test
    void aCredentialAtItsFloorIsNotServedWarm() throws Exception {
        vendFully("reader");
        // min-remaining defaults to 20 minutes: 40 minutes on, the one-hour credential is at its floor.
        clock.advance(Duration.ofMinutes(40));

        assertThat(requests.tryWarm(ALICE, "reader", "req-3")).isNull();
        assertThat(meters.counter("broker.vend.warm").count()).isZero();
        assertThat(fetches).as("declining starts no refresh").hasValue(1);
    }
}
