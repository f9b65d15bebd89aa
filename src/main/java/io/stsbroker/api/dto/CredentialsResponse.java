package io.stsbroker.api.dto;

import io.stsbroker.vending.VendedCredential;

/** The broker's own credentials body; {@code toString()} hides the secret and the token. */
public record CredentialsResponse(String accessKeyId, String accessKeySecret, String securityToken, String expiration,
                                  String role, String roleArn, String sessionName) {

    public static CredentialsResponse of(VendedCredential v) {
        var c = v.credentials();
        return new CredentialsResponse(c.accessKeyId(), c.accessKeySecret(), c.securityToken(),
                Timestamps.seconds(c.expiration()), v.roleName(), v.roleArn(), v.sessionName());
    }

    @Override
    public String toString() {
        return "CredentialsResponse[accessKeyId=" + accessKeyId + ", expiration=" + expiration + ", role=" + role + "]";
    }
}
