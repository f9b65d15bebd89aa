package io.stsbroker.vending;

import io.stsbroker.sts.StsCredentials;

/**
 * Credentials as handed to one caller, with the role and session they belong to and the cache
 * entry's {@link Renderings}; {@code toString()} hides the secret and the token (see {@link StsCredentials}).
 */
public record VendedCredential(StsCredentials credentials, String roleName, String roleArn, String sessionName,
                               Renderings renderings) {
}
