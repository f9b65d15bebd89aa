package io.stsbroker.auth;

import io.stsbroker.config.BrokerConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
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
import java.util.function.BiPredicate;

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


    record Entry(String name, byte[] digest) {
        @Override
        public String toString() {
            return "Entry[name=" + name + ", digest=<hidden>]";
        }
    }

    private final List<Entry> entries;
    /** {@link MessageDigest#isEqual}; a seam only so that a test can count the comparisons. */
    private final BiPredicate<byte[], byte[]> equal;

    @Inject
    public ApiKeyRegistry(BrokerConfig config) {
        this(load(config.apiKeys()), MessageDigest::isEqual);
    }

    ApiKeyRegistry(List<Entry> entries, BiPredicate<byte[], byte[]> equal) {
        this.entries = List.copyOf(entries);
        this.equal = equal;
    }

    static List<Entry> load(Map<String, List<String>> apiKeys) {
        List<Entry> list = new ArrayList<>();
        apiKeys.forEach((name, digests) -> {
            for (int i = 0; i < digests.size(); i++) {
                String d = digests.get(i).strip();
                list.add(new Entry(name, HexFormat.of().parseHex(d.toLowerCase(Locale.ROOT))));
            }
        });
        return List.copyOf(list);
    }

    /**
     * The name of the key whose digest matches. Constant-time with respect to the secret: the key is
     * hashed once, and that digest is compared with every entry by {@link MessageDigest#isEqual}
     * (whose time depends only on the length, fixed at 32 bytes); the loop never stops early, so
     * neither where the key matches in the list nor how many bytes of a digest match shows in the
     * time taken.
     */
    public Optional<String> nameOf(String presentedKey) {
        byte[] digest = sha256(presentedKey);
        String match = null;
        for (Entry e : entries) {
            // Comparison first, unconditionally: "match == null && equal(...)" would skip it after a hit.
            boolean same = equal.test(e.digest(), digest);
            if (same && match == null) {
                match = e.name();
            }
        }
        return Optional.ofNullable(match);
    }

    public int size() {
        return entries.size();
    }

    static byte[] sha256(String s) {
        // digest() resets the instance; one per thread saves a provider lookup on every request.
        return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    });
}
