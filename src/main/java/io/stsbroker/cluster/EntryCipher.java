package io.stsbroker.cluster;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals shared entries with AES-256-GCM (the JDK's {@code javax.crypto}): {@code v1.<key id>.<base64
 * of 12-byte nonce and ciphertext>}. The Redis key name and the key id are the authenticated data,
 * so an entry copied under another name, or relabelled with another key id, fails to open.
 *
 * <p>New entries use the current key; entries under a previous key still open (rotation). The key
 * id is the first 8 bytes of SHA-256 over a label and the key: it names the key without revealing it.
 */
final class EntryCipher {

    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** What {@link #open} found. */
    sealed interface Opened {
    }

    /** The plaintext. */
    record Plain(byte[] bytes) implements Opened {
    }

    /** Sealed under a key this replica does not hold (for example a newer one during a rolling key change). */
    record UnknownKey(String keyId) implements Opened {
    }

    /** Malformed, tampered, or copied from another key name. */
    record Corrupt() implements Opened {
    }

    private final SecureRandom random = new SecureRandom();
    private final String currentId;
    /** Key id to key, the current one first. */
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

    EntryCipher(byte[] current, List<byte[]> previous) {
        this.currentId = keyId(current);
        keys.put(currentId, new SecretKeySpec(current, "AES"));
        for (byte[] p : previous) {
            keys.putIfAbsent(keyId(p), new SecretKeySpec(p, "AES"));
        }
    }

    static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("sts-broker entry key id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    String currentKeyId() {
        return currentId;
    }

    /** The sealed form of {@code plaintext}, bound to {@code keyName}, under the current key. */
    String seal(String keyName, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(keyName, currentId));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return VERSION + "." + currentId + "." + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getSimpleName());
        }
    }

    /** Opens an entry read from {@code keyName}. */
    Opened open(String keyName, String sealed) {
        String[] parts = sealed.split("\\.", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            return new Corrupt();
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            return new UnknownKey(parts[1]);
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                return new Corrupt();
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(aad(keyName, parts[1]));
            return new Plain(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES));
        } catch (AEADBadTagException | IllegalArgumentException e) {
            return new Corrupt();
        } catch (GeneralSecurityException e) {
            return new Corrupt();
        }
    }

    private static byte[] aad(String keyName, String keyId) {
        return (keyName + "\n" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
