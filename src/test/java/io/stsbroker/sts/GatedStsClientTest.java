package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The gate is asked before every call, with the call's priority, and a refusal sends nothing. */
class GatedStsClientTest {

    private static final AssumeRoleRequest REQUEST = new AssumeRoleRequest("acs:ram::1:role/r", "gated-test",
            Duration.ofHours(1), java.util.Optional.empty(), java.util.Optional.empty());
    private static final StsCredentials CREDS = new StsCredentials("STS.id", "secret", "token",
            Instant.parse("2030-01-01T00:00:00Z"), "req");

    private final AtomicInteger sent = new AtomicInteger();
    private final StsClient upstream = new StsClient() {
        @Override
        public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
            return Uni.createFrom().item(() -> {
                sent.incrementAndGet();
                return CREDS;
            });
        }

        @Override
        public String providerName() {
            return "counting";
        }

        @Override
        public boolean ready() {
            return true;
        }
    };

    @Test
    void theGateLearnsWhetherEachCallIsDeferrableBeforeItIsSent() {
        List<Boolean> asked = new CopyOnWriteArrayList<>();
        GatedStsClient client = new GatedStsClient(upstream, deferrable -> {
            asked.add(deferrable);
            return Uni.createFrom().voidItem();
        });
        client.assumeRole(REQUEST, new StsAttempt(1, true)).await().indefinitely();
        client.assumeRole(REQUEST, new StsAttempt(2, false)).await().indefinitely();
        client.assumeRole(REQUEST).await().indefinitely();
        assertThat(asked).containsExactly(true, false, false);
        assertThat(sent).hasValue(3);
    }

    @Test
    void aRefusingGateSendsNothing() {
        GatedStsClient client = new GatedStsClient(upstream,
                deferrable -> Uni.createFrom().failure(new IllegalStateException("budget spent")));
        assertThat(catchThrowable(() -> client.assumeRole(REQUEST, new StsAttempt(1, true)).await().indefinitely()))
                .hasMessage("budget spent");
        assertThat(sent).hasValue(0);
    }
}
