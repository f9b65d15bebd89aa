package io.stsbroker.vending;

/**
 * A CDI event: an admin invalidated this replica's credentials for a role ARN and/or a caller
 * identity (null for "any"), after {@link CredentialVendor#invalidate} ran. A cluster tier observes
 * it to reach the other replicas; those call {@link CredentialVendor#invalidate} themselves and do
 * not fire it again.
 */
public record CredentialsInvalidated(String roleArn, String identity) {
}
