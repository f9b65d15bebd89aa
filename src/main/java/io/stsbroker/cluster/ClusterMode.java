package io.stsbroker.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.UpstreamGate;
import io.stsbroker.vending.CredentialKey;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.CredentialsInvalidated;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * Cluster mode ({@code broker.cluster.enabled}): wires the shared cache tier, the cluster budget,
 * the per-caller mint limits and cross-replica invalidations on Quarkus's Redis client. When off (the default) nothing here touches
 * Redis and the broker is the single-node one.
 *
 * <p>Settings are checked at start-up ({@code config.BrokerConfigValidator}); Redis itself is not: a replica
 * that starts while Redis is down starts degraded and joins the cluster at the first successful
 * {@code sync-interval} probe.
 */
@Startup
@Singleton
public class ClusterMode implements UpstreamGate {

    private static final Logger LOG = Logger.getLogger(ClusterMode.class);

    private final boolean enabled;
    private ClusterState state;
    private SharedCredentials shared;
    private ClusterBudget budget;
    private SharedMintQuota mints;
    private Invalidations invalidations;
    private KeyNames names;
    private Vertx vertx;
    private long timer = -1;
    private java.time.Duration commandTimeout;

    ClusterMode(BrokerConfig config, Instance<Redis> redis, Instance<CredentialVendor> vendor, Clock clock,
                MeterRegistry meters, Vertx vertx) {
        this.enabled = config.cluster().enabled();
        if (!enabled) {
            // Served as zeros on a single node, so the cluster alerts read a series everywhere.
            io.micrometer.core.instrument.Gauge.builder("broker.cluster.degraded", () -> 0)
                    .description("1 while this replica cannot reach Redis and works alone (cluster mode)").register(meters);
            SharedCredentials.registerDecryptFailures(meters);
            return;
        }
        ClusterSettings s = ClusterSettings.of(config.cluster());
        this.vertx = vertx;
        this.commandTimeout = s.commandTimeout();
        this.state = new ClusterState(meters);
        this.names = new KeyNames(s.keySecret(), s.keyPrefix());
        EntryCipher cipher = new EntryCipher(s.encryptionKey(), s.previousKeys());
        RedisCommands commands = new RedisCommands(redis.get(), s.commandTimeout(), state);
        this.shared = new SharedCredentials(commands, names, cipher, state, clock, config.cache().minRemaining(),
                config.cache().refreshAhead(), s.lockTtl(), meters);
        this.budget = new ClusterBudget(commands, state, names, s, config.sts().budgetWait(), meters);
        this.mints = new SharedMintQuota(commands, names, state, config.rateLimit().mintsPerCaller(),
                config.cache().maxVariantsPerCaller(), config.cache().minRemaining());
        this.invalidations = new Invalidations(commands, names, cipher, state,
                (roleArn, identity) -> vendor.get().invalidate(roleArn, identity), meters);
        LOG.infof("Cluster mode on: encryption key id %s (%d previous), budget %d calls/s (%d/s per replica while"
                        + " degraded)", cipher.currentKeyId(), s.previousKeys().size(), s.maxCallsPerSecond(),
                s.degradedCallsPerSecond());
        invalidations.sync().subscribe().with(ignored -> { }, ignored -> { });
        this.timer = vertx.setPeriodic(s.syncInterval().toMillis(),
                id -> invalidations.sync().subscribe().with(ignored -> { }, ignored -> { }));
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * For {@link ClusterCredentialSource}: the shared credential, or one minted once cluster-wide.
     * Each credential loaded sets the time its variant leaves the caller's cluster-wide count.
     */
    Uni<StsCredentials> load(CredentialKey key, Supplier<Uni<StsCredentials>> upstream) {
        return shared.load(sharedKey(key), upstream)
                .onItem().invoke(creds -> mints.held(key, creds).subscribe().with(ignored -> { }, ignored -> { }));
    }

    /** For {@link ClusterMintQuota}: the per-caller mint limits across replicas (on when {@link #enabled}). */
    SharedMintQuota mints() {
        return mints;
    }

    private SharedKey sharedKey(CredentialKey key) {
        return SharedKey.of(names, key.roleArn(), key.identity(), key.durationSeconds(), key.policy(), key.externalId());
    }

    /**
     * The cluster budget, charged as each AssumeRole attempt is sent (after the per-replica budget
     * and any wait for a connection), retries included. Deferrable calls (extra variants, refreshes)
     * may use only half of it, so callers' first credentials always have the other half.
     */
    @Override
    public Uni<Void> beforeSend(boolean deferrable) {
        return enabled ? budget.acquire(deferrable) : Uni.createFrom().voidItem();
    }

    /** An admin invalidated credentials on this replica: delete the shared entries and tell the others. */
    void onInvalidated(@Observes CredentialsInvalidated event) {
        if (!enabled) {
            return;
        }
        if (state.degraded()) {
            LOG.warnf("Invalidation not shared: Redis is unreachable, so other replicas keep their cached credentials"
                    + " (and the shared entries stay) until they expire; repeat it when %s is 0", "broker_cluster_degraded");
            return;
        }
        // Waited for (the admin API runs on a worker thread): when the admin's call returns, the shared
        // entries are gone and the message is out.
        try {
            invalidations.publish(event.roleArn(), event.identity()).await().atMost(commandTimeout.multipliedBy(4));
        } catch (RuntimeException e) {
            LOG.warnf("Invalidation not shared (%s): other replicas keep their cached credentials until they expire;"
                    + " repeat it when Redis is reachable", e.getClass().getSimpleName());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
