package io.stsbroker.vending;

/**
 * What makes two requests share one STS credential: the same role ARN, the same full caller
 * identity, the same duration, the same session policy and the same external id.
 *
 * <p>The identity is kept whole (never the derived session name), so two callers whose session
 * names look alike can never share a credential. The policy is kept as text rather than a digest:
 * the cached entry holds the same text anyway (a refresh repeats the request), and comparing a
 * role's policy is an identity check on one shared string, where a digest cost a SHA-256 per request.
 */
public record CredentialKey(String roleArn, String identity, long durationSeconds, String policy, String externalId) {
}
