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
 * The broker's own identity read through a credentials-java {@link Client}: an RRSA
 * ({@code AssumeRoleWithOIDC}) provider, the ECS instance role or the whole default chain, as
 * {@link SigningIdentities} chooses. credentials-java caches and refreshes temporary credentials
 * itself.
 *
 * <p>credentials-java is blocking (file reads, HTTP to the metadata service or STS), so every read
 * runs on the Mutiny default worker pool (Quarkus's worker pool), never on the subscriber's event
 * loop. The client is created lazily on the first read, so nothing is fetched during start-up; a
 * failed creation is retried on the next read.
 */
public final class CredentialsJavaSource implements SigningCredentialsSource {

    private final String name;
    private final Supplier<Client> clientFactory;
    private final Executor executor;
    private volatile Client client;

    /**
     * A source read on the Mutiny/Quarkus default worker pool.
     *
     * @param name          what the identity is, for messages ({@code rrsa}, {@code default-chain}, ...)
     * @param clientFactory creates the credentials-java client on first use
     */
    static CredentialsJavaSource onWorkerPool(String name, Supplier<Client> clientFactory) {
        // Looked up per task, not captured now: Quarkus installs its worker pool during start-up.
        return new CredentialsJavaSource(name, clientFactory, task -> Infrastructure.getDefaultWorkerPool().execute(task));
    }

    /**
     * @param name          what the identity is, for messages
     * @param clientFactory creates the credentials-java client on first use (tests pass one built on
     *                      their own provider)
     * @param executor      where the blocking reads run
     */
    CredentialsJavaSource(String name, Supplier<Client> clientFactory, Executor executor) {
        this.name = Objects.requireNonNull(name, "name");
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
            throw new IllegalStateException("The broker's identity (" + name + ") returned no AccessKey (type " + type
                    + "); STS AssumeRole needs one");
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
        return "CredentialsJavaSource[" + name + ", initialised=" + (client != null) + "]";
    }
}
