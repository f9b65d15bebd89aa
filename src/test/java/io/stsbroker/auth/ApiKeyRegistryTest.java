package io.stsbroker.auth;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyRegistryTest {

    private static String digest(String key) {
        return HexFormat.of().formatHex(ApiKeyRegistry.sha256(key));
    }

    @Test
    void everyDigestOfANameResolvesToThatName() {
        var entries = ApiKeyRegistry.load(Map.of("reporting", List.of(digest("old"), digest("new").toUpperCase())));
        assertThat(entries).hasSize(2);
    }

    /** Constant time with respect to the secret: every entry is compared, wherever (or whether) the key matches. */
    @Test
    void everyEntryIsComparedWhereverTheKeyMatches() {
        var entries = ApiKeyRegistry.load(new java.util.LinkedHashMap<>(Map.of(
                "a", List.of(digest("key-a")), "b", List.of(digest("key-b1"), digest("key-b2")), "c", List.of(digest("key-c")))));
        java.util.concurrent.atomic.AtomicInteger comparisons = new java.util.concurrent.atomic.AtomicInteger();
        ApiKeyRegistry registry = new ApiKeyRegistry(entries, (x, y) -> {
            comparisons.incrementAndGet();
            return java.security.MessageDigest.isEqual(x, y);
        });
        for (String key : List.of("key-a", "key-b1", "key-b2", "key-c", "no-such-key", "")) {
            comparisons.set(0);
            registry.nameOf(key);
            assertThat(comparisons).as("comparisons for %s", key).hasValue(4);
        }
        assertThat(registry.nameOf("key-b2")).hasValue("b");
        assertThat(registry.nameOf("key-b")).isEmpty();
    }

    @Test
    void entriesNeverPrintTheirDigest() {
        var entries = ApiKeyRegistry.load(Map.of("reporting", List.of(digest("k"))));
        assertThat(entries.toString()).doesNotContain(digest("k")).doesNotContain(digest("k").substring(0, 12));
    }
}
