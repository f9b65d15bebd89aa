package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/**
 * Asked right before each AssumeRole attempt goes on the wire, after every other wait, so that a
 * budget it charges is charged when the call is sent. Optional: without a bean of this type calls
 * go at once. (Cluster mode provides one: the cluster-wide budget.)
 */
public interface UpstreamGate {

    /**
     * Completes when the call may be sent now; a failure fails the attempt without sending it.
     *
     * @param deferrable the call may wait behind other callers' first credentials (an extra
     *                   variant or a refresh); a gate may give such calls only a share of its budget
     */
    Uni<Void> beforeSend(boolean deferrable);
}
