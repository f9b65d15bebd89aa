package io.stsbroker.vending;

/**
 * Who goes first when the {@link UpstreamBudget} is contended.
 */
public enum FetchPriority {
    /** A caller that holds no credential for the role yet: it has nothing to work with until this call. */
    COLD,
    /** Another variant for a caller that already holds one, or a background refresh of a credential still above its floor: either can wait. */
    DEFERRABLE
}
