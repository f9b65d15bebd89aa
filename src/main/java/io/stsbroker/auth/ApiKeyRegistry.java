package io.stsbroker.auth;

import io.stsbroker.config.BrokerConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured API keys, held only as SHA-256 digests: resolves a presented key to its name.
 *
 * <p>The presented key is hashed and compared with every configured digest using
 * {@link MessageDigest#isEqual}, so the time taken does not depend on how much of the secret
 * matched. Digests are never printed, not even in configuration errors.
 */
@Startup
@Singleton
public class ApiKeyRegistry {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private record Entry(String name, byte[] digest) {
    }

    private final List<Entry> entries;

    public ApiKeyRegistry(BrokerConfig config) {
        this.entries = load(config.apiKeys());
    }

    static List<Entry> load(Map<String, List<String>> apiKeys) {
        List<Entry> list = new ArrayList<>();
        apiKeys.forEach((name, digests) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid configuration broker.api-keys." + name
                        + ": a key name is 1..64 characters of [A-Za-z0-9._@-]");
            }
            for (int i = 0; i < digests.size(); i++) {
                String d = digests.get(i).strip();
                if (!SHA256_HEX.matcher(d).matches()) {
                    // The value is not echoed: a plain key pasted here by mistake must not reach the log.
                    throw new IllegalArgumentException("Invalid configuration broker.api-keys." + name + " (entry "
                            + (i + 1) + "): expected the SHA-256 hex digest (64 hex digits) of the key, not the key itself");
                }
                list.add(new Entry(name, HexFormat.of().parseHex(d.toLowerCase(Locale.ROOT))));
            }
        });
        return List.copyOf(list);
    }

    /** The name of the key whose digest matches, checked against every entry. */
    public Optional<String> nameOf(String presentedKey) {
        byte[] digest = sha256(presentedKey);
        String match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), digest) && match == null) {
                match = e.name();
            }
        }
        return Optional.ofNullable(match);
    }

    public int size() {
        return entries.size();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
