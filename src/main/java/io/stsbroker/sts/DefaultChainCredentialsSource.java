package io.stsbroker.sts;

import com.aliyun.credentials.Client;
import com.aliyun.credentials.models.CredentialModel;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The broker's production identity, from credentials-java's default chain: environment AccessKey
 * ({@code ALIBABA_CLOUD_ACCESS_KEY_ID}/{@code _SECRET}), RRSA ({@code ALIBABA_CLOUD_ROLE_ARN},
 * {@code ALIBABA_CLOUD_OIDC_PROVIDER_ARN}, {@code ALIBABA_CLOUD_OIDC_TOKEN_FILE}), profile files,
 * then the ECS RAM role. credentials-java caches and refreshes temporary credentials itself.
 *
 * <p>credentials-java is blocking (file reads, HTTP to the metadata service or STS), so every read
 * runs on the Mutiny default worker pool (Quarkus's worker pool), never on the subscriber's event
 * loop. The credentials-java client is created lazily on the first read, so a broker running on
 * the embedded STS never touches the chain; a failed creation is retried on the next read.
 */
public final class DefaultChainCredentialsSource implements SigningCredentialsSource {

    private final Supplier<Client> clientFactory;
    private final Executor executor;
    private volatile Client client;

    /** The default chain, read on the Mutiny/Quarkus default worker pool. */
    public DefaultChainCredentialsSource() {
        // Looked up per task, not captured now: Quarkus installs its worker pool during start-up.
        this(Client::new, task -> Infrastructure.getDefaultWorkerPool().execute(task));
    }

    /**
     * @param clientFactory creates the credentials-java client on first use (tests pass one built on
     *                      their own provider)
     * @param executor      where the blocking reads run
     */
    DefaultChainCredentialsSource(Supplier<Client> clientFactory, Executor executor) {
        this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public Uni<SigningCredentials> current() {
        return Uni.createFrom().item(this::read).runSubscriptionOn(executor);
    }

    private SigningCredentials read() {
        // getCredential() returns one CredentialModel: id, secret and token from the same refresh.
        CredentialModel model = client().getCredential();
        if (model == null || isBlank(model.getAccessKeyId()) || isBlank(model.getAccessKeySecret())) {
            String type = model == null ? "none" : model.getType();
            throw new IllegalStateException("The credentials-java default chain returned no AccessKey (type " + type
                    + "); STS AssumeRole needs an AccessKey, RRSA or ECS RAM role identity");
        }
        return new SigningCredentials(model.getAccessKeyId(), model.getAccessKeySecret(),
                Optional.ofNullable(model.getSecurityToken()));
    }

    private Client client() {
        Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = clientFactory.get();
                    client = c;
                }
            }
        }
        return c;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "DefaultChainCredentialsSource[initialised=" + (client != null) + "]";
    }
}
