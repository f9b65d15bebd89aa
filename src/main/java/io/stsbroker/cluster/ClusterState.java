package io.stsbroker.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica can reach Redis. Degraded means: warm keys from the local cache, cold keys
 * with local single flight and the local share of the budget, no shared entries, and invalidations
 * reach this replica only. Readiness is not affected. The gauge {@code broker_cluster_degraded}
 * (1 while degraded) is what the alert reads; each change is logged once.
 *
 * <p>Only the periodic probe ({@link Invalidations}) leaves the degraded state, so requests never
 * wait on a Redis that is known to be down.
 */
final class ClusterState {

    private static final Logger LOG = Logger.getLogger(ClusterState.class);

    static final int TIMEOUTS_TO_DEGRADE = 3;

    private final AtomicBoolean degraded;
    private final java.util.concurrent.atomic.AtomicInteger timeoutsInARow = new java.util.concurrent.atomic.AtomicInteger();
    private final Counter errors;
    /** Whether the degraded state was logged once: a replica that starts while Redis is down says so too. */
    private final AtomicBoolean announced = new AtomicBoolean();

    /** Starts degraded: nothing is shared until the first probe reaches Redis. */
    ClusterState(MeterRegistry meters) {
        this.degraded = new AtomicBoolean(true);
        this.errors = meters.counter("broker.cluster.redis.errors");
        Gauge.builder("broker.cluster.degraded", degraded, d -> d.get() ? 1 : 0)
                .description("1 while this replica cannot reach Redis and works alone (cluster mode)").register(meters);
    }

    boolean degraded() {
        return degraded.get();
    }

    /**
     * A Redis command failed or timed out: this replica works alone until a probe succeeds. A lost
     * connection degrades at once; timeouts only when {@value #TIMEOUTS_TO_DEGRADE} come in a row,
     * since one slow answer on a busy replica is not an outage (the request that saw it still goes on
     * without the shared tier).
     */
    void failed(Throwable t) {
        errors.increment();
        if (t instanceof java.util.concurrent.TimeoutException && timeoutsInARow.incrementAndGet() < TIMEOUTS_TO_DEGRADE) {
            return;
        }
        if (degraded.compareAndSet(false, true) || !announced.getAndSet(true)) {
            // The class only: a client exception's message may name the host, never a secret, but keep it short.
            LOG.warnf("Redis unreachable (%s): cluster mode degraded; warm credentials are served from this replica's"
                    + " cache, new ones are minted locally within broker.cluster.max-calls-per-second /"
                    + " broker.cluster.max-replicas", t.getClass().getSimpleName());
        }
    }

    /** A command was answered. */
    void answered() {
        if (timeoutsInARow.get() != 0) {
            timeoutsInARow.set(0);
        }
    }

    /** A probe reached Redis (after the caller caught up on invalidations). */
    void recovered() {
        answered();
        announced.set(true);
        if (degraded.compareAndSet(true, false)) {
            LOG.info("Redis reachable: cluster mode active (shared cache, budget and invalidations)");
        }
    }
}
