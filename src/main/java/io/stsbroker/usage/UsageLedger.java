package io.stsbroker.usage;

/**
 * Counts credential requests per caller identity over a rolling window, for billing back and
 * investigation, without putting identities into metric labels. The one implementation today,
 * {@link ReplicaUsage}, sees this replica's requests only; a cluster-wide view would implement this
 * interface by merging every replica's counts.
 */
public interface UsageLedger {

    /** Counts one {@code kind} for {@code caller} now. */
    void count(String caller, UsageKind kind);

    /** The counts of the current window. */
    UsageReport report();
}
