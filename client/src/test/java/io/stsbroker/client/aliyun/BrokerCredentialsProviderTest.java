package io.stsbroker.client.aliyun;

import com.aliyun.credentials.Client;
import com.aliyun.credentials.models.CredentialModel;
import io.stsbroker.client.BrokerError;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.TemporaryCredentials;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerCredentialsProviderTest {
    private static final TemporaryCredentials CREDENTIALS = new TemporaryCredentials(
            "STS.abc", "secret", "token", Instant.parse("2026-11-27T12:00:00Z"));

    @Test
    void getCredentialsMapsToAnStsCredentialModel() {
        CredentialModel model = BrokerCredentialsProvider.of(() -> CREDENTIALS).getCredentials();

        assertThat(model.getAccessKeyId()).isEqualTo("STS.abc");
        assertThat(model.getAccessKeySecret()).isEqualTo("secret");
        assertThat(model.getSecurityToken()).isEqualTo("token");
        assertThat(model.getType()).isEqualTo("sts");
        assertThat(model.getProviderName()).isEqualTo("sts_broker");
        assertThat(model.getExpiration()).isEqualTo(Instant.parse("2026-11-27T12:00:00Z").toEpochMilli());
    }

    @Test
    void teaCredentialsClientServesWhateverTheSourceCurrentlyHolds() {
        AtomicReference<TemporaryCredentials> current = new AtomicReference<>(CREDENTIALS);
        Client client = new Client(BrokerCredentialsProvider.of(current::get));
        assertThat(client.getAccessKeyId()).isEqualTo("STS.abc");

        current.set(new TemporaryCredentials("STS.next", "secret2", "token2", Instant.parse("2026-11-27T13:00:00Z")));

        assertThat(client.getCredential().getAccessKeyId()).isEqualTo("STS.next");
        assertThat(client.getSecurityToken()).isEqualTo("token2");
    }

    @Test
    void brokerFailureSurfacesAsTheTypedException() {
        BrokerCredentialsProvider provider = BrokerCredentialsProvider.of(() -> {
            throw new BrokerUnavailableException("broker down", BrokerError.client(BrokerError.CLIENT_NETWORK, "x"), null, null);
        });

        assertThatThrownBy(provider::getCredentials).isInstanceOf(BrokerUnavailableException.class);
    }

    @Test
    void closeLeavesACallerOwnedSourceAlone() {
        AutoCloseableSource source = new AutoCloseableSource();

        BrokerCredentialsProvider.of(source).close();

        assertThat(source.closed).isFalse();
    }

    private static final class AutoCloseableSource implements io.stsbroker.client.CredentialsSource, AutoCloseable {
        boolean closed;

        @Override
        public TemporaryCredentials credentials() {
            return CREDENTIALS;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
