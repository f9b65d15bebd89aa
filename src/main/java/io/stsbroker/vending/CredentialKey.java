package io.stsbroker.vending;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two requests share one STS credential: the same role ARN, the same full caller
 * identity, the same duration, the same session policy (by SHA-256) and the same external id.
 *
 * <p>The identity is kept whole (never the derived session name), so two callers whose session
 * names look alike can never share a credential.
 */
public record CredentialKey(String roleArn, String identity, long durationSeconds, String policyHash, String externalId) {

    static CredentialKey of(VendRequest r) {
        return new CredentialKey(r.roleArn(), r.identity(), r.duration().toSeconds(),
                r.sessionPolicy().map(CredentialKey::sha256).orElse(""), r.externalId().orElse(""));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
