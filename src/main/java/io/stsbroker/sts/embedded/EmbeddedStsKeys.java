package io.stsbroker.sts.embedded;

import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded STS's secrets: the one AccessKey pair it accepts signatures from, and the key that
 * signs its {@link EmbeddedSecurityToken}s. Each comes from {@code broker.embedded-sts.*} or, when
 * unset, is random for this process (so nothing guessable ever works by default).
 *
 * <p>Inject this bean to learn the keys (the STS client producer signs with them; tests and test
 * doubles verify tokens with {@link #tokenKey()}). {@link #toString()} shows the key id only.
 */
@Singleton
public class EmbeddedStsKeys {

    /** HMAC-SHA256 keys shorter than this are refused: they would make tokens forgeable. */
    static final int MIN_TOKEN_KEY_BYTES = 16;

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String accessKeyId;
    private final String accessKeySecret;
    private final byte[] tokenKey;

    @Inject
    EmbeddedStsKeys(BrokerConfig config) {
        this(config.embeddedSts().accessKeyId(), config.embeddedSts().accessKeySecret(),
                config.embeddedSts().tokenKey(), new SecureRandom());
    }

    EmbeddedStsKeys(Optional<String> accessKeyId, Optional<String> accessKeySecret, Optional<String> tokenKey,
                    SecureRandom random) {
        // Shaped like real long-term AccessKeys: "LTAI" + 20 characters, and a 30-character secret.
        this.accessKeyId = accessKeyId.filter(s -> !s.isBlank()).orElseGet(() -> "LTAI" + randomAlphanumeric(random, 20));
        this.accessKeySecret = accessKeySecret.filter(s -> !s.isEmpty()).orElseGet(() -> randomAlphanumeric(random, 30));
        this.tokenKey = tokenKey.filter(s -> !s.isEmpty()).map(EmbeddedStsKeys::decodeTokenKey)
                .orElseGet(() -> randomBytes(random, 32));
    }

    /** A fully specified key set, for tests and test doubles that run without CDI. */
    public static EmbeddedStsKeys of(String accessKeyId, String accessKeySecret, byte[] tokenKey) {
        Objects.requireNonNull(tokenKey, "tokenKey");
        return new EmbeddedStsKeys(Optional.of(accessKeyId), Optional.of(accessKeySecret),
                Optional.of(Base64.getEncoder().encodeToString(tokenKey)), new SecureRandom());
    }

    /** The AccessKeyId the embedded STS accepts. */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** The AccessKeySecret that signs requests to the embedded STS. */
    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** A copy of the HMAC-SHA256 key of the issued security tokens (for {@link EmbeddedSecurityToken#verify}). */
    public byte[] tokenKey() {
        return tokenKey.clone();
    }

    @Override
    public String toString() {
        return "EmbeddedStsKeys[accessKeyId=" + accessKeyId + ", accessKeySecret=<hidden>, tokenKey=<hidden>]";
    }

    /**
     * {@code broker.embedded-sts.token-key} is base64 when it decodes to at least 16 bytes, otherwise
     * its UTF-8 text is the key. The value is never quoted in the error: it is a secret.
     */
    static byte[] decodeTokenKey(String configured) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(configured.trim());
        } catch (IllegalArgumentException notBase64) {
            key = new byte[0];
        }
        if (key.length < MIN_TOKEN_KEY_BYTES) {
            key = configured.getBytes(StandardCharsets.UTF_8);
        }
        if (key.length < MIN_TOKEN_KEY_BYTES) {
            throw new IllegalArgumentException("broker.embedded-sts.token-key must be at least " + MIN_TOKEN_KEY_BYTES
                    + " bytes (as base64 or as text); it has " + key.length);
        }
        return key;
    }

    static String randomAlphanumeric(SecureRandom random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return out.toString();
    }

    private static byte[] randomBytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
