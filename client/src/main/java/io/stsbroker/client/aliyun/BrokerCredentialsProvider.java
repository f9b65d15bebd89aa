package io.stsbroker.client.aliyun;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.CredentialsSource;
import io.stsbroker.client.TemporaryCredentials;

import java.util.Objects;

/**
 * A credentials-java provider backed by a {@link CredentialsSource}, so any Alibaba Tea SDK client
 * can use the broker through {@code new com.aliyun.credentials.Client(provider)}.
 *
 * <p>Each {@link #getCredentials()} asks the source, which serves from its cache and never hands
 * out a credential with 16 minutes or less left, more than credentials-java's 15-minute stale
 * window; so credentials-java never finds these stale. {@link #close()} closes the source only if
 * this provider created it.
 */
public final class BrokerCredentialsProvider implements AlibabaCloudCredentialsProvider {
    /** The {@code providerName} reported on every {@link CredentialModel}. */
    public static final String PROVIDER_NAME = "sts_broker";

    private final CredentialsSource source;
    private final AutoCloseable owned;

    private BrokerCredentialsProvider(CredentialsSource source, AutoCloseable owned) {
        this.source = Objects.requireNonNull(source, "source");
        this.owned = owned;
    }

    /** A provider over {@code source}, which the caller keeps owning (and closes). */
    public static BrokerCredentialsProvider of(CredentialsSource source) {
        return new BrokerCredentialsProvider(source, null);
    }

    /** A provider for {@code role} configured from the environment; {@link #close()} releases it. */
    public static BrokerCredentialsProvider fromEnvironment(String role) {
        BrokerCredentials credentials = BrokerCredentials.fromEnvironment(role);
        return new BrokerCredentialsProvider(credentials, credentials);
    }

    /**
     * Returns the source's current credentials as an {@code sts} credential model.
     *
     * @throws io.stsbroker.client.BrokerException if new credentials were needed and could not be fetched
     */
    @Override
    public CredentialModel getCredentials() {
        return toModel(source.credentials());
    }

    @Override
    public String getProviderName() {
        return PROVIDER_NAME;
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("Closing the broker credentials failed", e);
            }
        }
    }

    static CredentialModel toModel(TemporaryCredentials credentials) {
        return CredentialModel.builder()
                .accessKeyId(credentials.accessKeyId())
                .accessKeySecret(credentials.accessKeySecret())
                .securityToken(credentials.securityToken())
                .type("sts")
                .providerName(PROVIDER_NAME)
                .expiration(credentials.expiration().toEpochMilli())
                .build();
    }
}
