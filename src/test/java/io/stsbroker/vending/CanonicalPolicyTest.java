package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.Role;
import io.stsbroker.policy.VendSpec;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What STS receives as the session policy is its canonical text, from a caller or from the role's
 * configuration, and two spellings of one policy make one AssumeRole: from the authorization
 * ({@link AccessPolicy#resolve}) through the vendor and the fetcher to the {@link StsClient}.
 */
class CanonicalPolicyTest {

    private static final String CANONICAL = "{\"Statement\":[{\"Action\":\"oss:Get*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"1\"}";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MutableClock clock = new MutableClock();
    private final List<AssumeRoleRequest> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Records every request and answers with a one-hour credential. */
    private final StsClient sts = new StsClient() {
        @Override
        public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
            received.add(request);
            return Uni.createFrom().item(new StsCredentials("STS.key" + received.size(), "secret", "token",
                    clock.instant().plus(Duration.ofHours(1)), "req"));
        }

        @Override
        public String providerName() {
            return "recording";
        }

        @Override
        public boolean ready() {
            return true;
        }
    };

    private final BrokerConfig config = TestConfigs.broker(
            "broker.roles.open.arn", "acs:ram::1234567890123456:role/open",
            "broker.roles.open.allow[0]", "apikey:a",
            "broker.roles.scoped.arn", "acs:ram::1234567890123456:role/scoped",
            "broker.roles.scoped.policy", "{ \"Version\" : \"1\",\n \"Statement\" : [ { \"Resource\":\"*\", \"Effect\":\"Allow\", \"Action\":\"oss:Get*\" } ] }",
            "broker.roles.scoped.allow[0]", "apikey:a");
    private final AuditLog audit = new AuditLog(clock);
    private final AccessPolicy access = new AccessPolicy(config, audit);
    private final CredentialVendor vendor = new CredentialVendor(clock,
            new UpstreamFetcher(sts, new UpstreamBudget(1000, Duration.ofSeconds(1), scheduler, new SimpleMeterRegistry()),
                    1, Duration.ofMillis(100), Duration.ofSeconds(5), new SimpleMeterRegistry()),
            audit, config, new SimpleMeterRegistry());

    private String vend(String roleName, Optional<String> callerPolicy) throws Exception {
        Role role = access.authorize("apikey:a", roleName, "req");
        VendSpec spec = access.resolve(role, Optional.empty(), callerPolicy);
        VendRequest request = new VendRequest(role.name(), role.arn(), "apikey:a", "key@a-test", spec.duration(),
                spec.sessionPolicy(), role.externalId(), "req");
        return vendor.vend(request).toCompletableFuture().get(5, TimeUnit.SECONDS).credentials().accessKeyId();
    }

    @Test
    void twoSpellingsOfACallerPolicyMakeOneAssumeRoleWithTheCanonicalText() throws Exception {
        String compact = vend("open", Optional.of("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:Get*\",\"Resource\":\"*\"}]}"));
        String spacious = vend("open", Optional.of("{\n  \"Statement\": [ { \"Resource\": \"*\", \"Action\": \"oss:Get*\", \"Effect\": \"Allow\" } ],\n  \"Version\": \"1\"\n}"));
        assertThat(spacious).isEqualTo(compact);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).policy()).contains(CANONICAL);
    }

    @Test
    void aRolePolicyFromTheConfigurationIsSentCanonicalToo() throws Exception {
        vend("scoped", Optional.empty());
        assertThat(received).hasSize(1);
        assertThat(received.get(0).policy()).contains(CANONICAL);
    }
}
