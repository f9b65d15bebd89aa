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
    void plainKeyConfiguredInsteadOfDigestIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ApiKeyRegistry.load(Map.of("reporting", List.of("my-plain-secret-key"))))
                .hasMessageContaining("broker.api-keys.reporting")
                .hasMessageNotContaining("my-plain-secret-key");
    }

    @Test
    void everyDigestOfANameResolvesToThatName() {
        var entries = ApiKeyRegistry.load(Map.of("reporting", List.of(digest("old"), digest("new").toUpperCase())));
        assertThat(entries).hasSize(2);
    }
}
