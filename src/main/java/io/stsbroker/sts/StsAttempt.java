package io.stsbroker.sts;

/**
 * What the caller of {@link StsClient} knows about one AssumeRole attempt that the wire call does
 * not carry; nothing here changes what is sent.
 *
 * @param number     the attempt's number within one fetch that may retry, from 1 (for the tracing
 *                   decorator, {@link TracedStsClient})
 * @param deferrable the call may wait behind more urgent ones when a shared budget is contended: an
 *                   extra variant or a refresh, not a caller's first credential (for {@link UpstreamGate})
 */
public record StsAttempt(int number, boolean deferrable) {

    /** A lone first attempt that goes ahead of deferrable ones: what {@link StsClient#assumeRole(AssumeRoleRequest)} means. */
    public static final StsAttempt FIRST = new StsAttempt(1, false);
}
