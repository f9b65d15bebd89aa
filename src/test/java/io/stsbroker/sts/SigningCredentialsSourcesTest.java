package io.stsbroker.sts;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningCredentialsSourcesTest {

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void signingCredentialsToStringShowsTheKeyIdButNeverTheSecretOrToken() {
        SigningCredentials creds = new SigningCredentials("LTAIkeyid", "s3cr3t-value", Optional.of("CAIStoken-value"));
        assertThat(creds.toString()).contains("LTAIkeyid").doesNotContain("s3cr3t-value").doesNotContain("CAIStoken-value");
    }

    @Test
    void anEmptySecurityTokenCountsAsNone() {
        assertThat(new SigningCredentials("id", "secret", Optional.of("")).securityToken()).isEmpty();
    }

    @Test
    void aBlankKeyIdOrEmptySecretIsRefused() {
        assertThatThrownBy(() -> SigningCredentials.of(" ", "secret")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningCredentials.of("id", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
    }

    @Test
    void staticSourceAlwaysReturnsItsCredentials() {
        SigningCredentials creds = SigningCredentials.of("id", "secret");
        assertThat(new StaticCredentialsSource(creds).current().await().atMost(Duration.ofSeconds(1))).isSameAs(creds);
    }

    @Test
    void credentialsJavaClientIsCreatedOnlyOnTheFirstRead() {
        AtomicInteger created = new AtomicInteger();
        CredentialsJavaSource source = new CredentialsJavaSource("test", () -> {
            created.incrementAndGet();
            return new com.aliyun.credentials.Client(provider(() -> model("id", "secret", null)));
        }, worker);
        assertThat(created).hasValue(0);
        source.current().await().atMost(Duration.ofSeconds(5));
        source.current().await().atMost(Duration.ofSeconds(5));
        assertThat(created).hasValue(1);
    }

    @Test
    void credentialsJavaSourceReadsOneConsistentSnapshotOnTheWorkerThread() {
        AtomicReference<String> readOn = new AtomicReference<>();
        CredentialsJavaSource source = new CredentialsJavaSource("test", () -> new com.aliyun.credentials.Client(
                provider(() -> {
                    readOn.set(Thread.currentThread().getName());
                    return model("STS.id", "secret", "CAIStoken");
                })), worker);
        SigningCredentials creds = source.current().await().atMost(Duration.ofSeconds(5));
        assertThat(creds).isEqualTo(new SigningCredentials("STS.id", "secret", Optional.of("CAIStoken")));
        assertThat(readOn).hasValue("test-worker");
    }

    @Test
    void credentialsJavaSourceWithoutAnAccessKeyFailsAndRetriesClientCreationNextTime() {
        AtomicInteger attempts = new AtomicInteger();
        CredentialsJavaSource source = new CredentialsJavaSource("test", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no credentials in the chain");
            }
            return new com.aliyun.credentials.Client(provider(() -> model(null, null, null)));
        }, worker);
        assertThatThrownBy(() -> source.current().await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("no credentials in the chain");
        assertThatThrownBy(() -> source.current().await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("returned no AccessKey");
        assertThat(attempts).hasValue(2);
    }

    private static CredentialModel model(String id, String secret, String token) {
        return CredentialModel.builder().accessKeyId(id).accessKeySecret(secret).securityToken(token)
                .type(token == null ? "access_key" : "sts").providerName("test").build();
    }

    private static AlibabaCloudCredentialsProvider provider(java.util.function.Supplier<CredentialModel> supplier) {
        return new AlibabaCloudCredentialsProvider() {
            @Override
            public CredentialModel getCredentials() {
                return supplier.get();
            }

            @Override
            public String getProviderName() {
                return "test";
            }

            @Override
            public void close() {
            }
        };
    }
}
