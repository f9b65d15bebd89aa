package io.stsbroker.vending;

/**
 * What makes two requests share one STS credential: the same role ARN, the same full caller
 * identity, the same duration, the same session policy and the same external id ({@code ""} for no
 * policy or no external id: neither is ever empty when present).
 *
 * <p>The identity is kept whole (never the derived session name), so two callers whose session
 * names look alike can never share a credential. The policy is kept as text, not a digest: the
 * entry holds the text anyway, and a role's policy compares as one shared string, by identity.
 */
public record CredentialKey(String roleArn, String identity, long durationSeconds, String policy, String externalId) {
}
