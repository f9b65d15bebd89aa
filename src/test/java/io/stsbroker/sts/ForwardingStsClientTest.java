package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A decorated client still names its provider, reports readiness and closes the client it wraps. */
class ForwardingStsClientTest {

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ready = new AtomicBoolean();

    private final class Closeable implements StsClient, AutoCloseable {
        @Override
        public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
            return Uni.createFrom().nullItem();
        }

        @Override
        public String providerName() {
            return "wrapped";
        }

        @Override
        public boolean ready() {
            return ready.get();
        }

        @Override
        public void close() {
            closed.set(true);
        }

        @Override
        public String toString() {
            return "the wrapped client";
        }
    }

    @Test
    void aGatedClientForwardsNameReadinessDescriptionAndClosing() throws Exception {
        GatedStsClient client = new GatedStsClient(new Closeable(), deferrable -> Uni.createFrom().voidItem());
        assertThat(client.providerName()).isEqualTo("wrapped");
        assertThat(client.ready()).isFalse();
        ready.set(true);
        assertThat(client.ready()).isTrue();
        assertThat(client).hasToString("the wrapped client");
        client.close();
        assertThat(closed).isTrue();
    }
}
