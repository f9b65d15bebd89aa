package io.stsbroker.sts.embedded;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedStsKeysTest {

    @Test
    void unsetKeysAreRandomAndDifferBetweenInstances() {
        EmbeddedStsKeys a = new EmbeddedStsKeys(Optional.empty(), Optional.empty(), Optional.empty(), new SecureRandom());
        EmbeddedStsKeys b = new EmbeddedStsKeys(Optional.empty(), Optional.empty(), Optional.empty(), new SecureRandom());
        assertThat(a.accessKeyId()).startsWith("LTAI").hasSize(24).isNotEqualTo(b.accessKeyId());
        assertThat(a.accessKeySecret()).hasSize(30).isNotEqualTo(b.accessKeySecret());
        assertThat(a.tokenKey()).hasSize(32).isNotEqualTo(b.tokenKey());
    }

    @Test
    void configuredKeysAreUsedAsGiven() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        EmbeddedStsKeys keys = new EmbeddedStsKeys(Optional.of("LTAIdev"), Optional.of("devsecret"),
                Optional.of(Base64.getEncoder().encodeToString(key)), new SecureRandom());
        assertThat(keys.accessKeyId()).isEqualTo("LTAIdev");
        assertThat(keys.accessKeySecret()).isEqualTo("devsecret");
        assertThat(keys.tokenKey()).isEqualTo(key);
    }

    @Test
    void aTokenKeyThatIsNotBase64IsUsedAsText() {
        assertThat(EmbeddedStsKeys.decodeTokenKey("a plain text key of some length"))
                .isEqualTo("a plain text key of some length".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aShortTokenKeyIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> EmbeddedStsKeys.decodeTokenKey("short!"))
                .hasMessageContaining("broker.embedded-sts.token-key")
                .hasMessageNotContaining("short!");
    }

    @Test
    void toStringHidesTheSecretAndTheTokenKey() {
        EmbeddedStsKeys keys = EmbeddedStsKeys.of("LTAIdev", "devsecret-value", new byte[32]);
        assertThat(keys.toString()).contains("LTAIdev").doesNotContain("devsecret-value");
    }

    @Test
    void tokenKeyIsADefensiveCopy() {
        EmbeddedStsKeys keys = EmbeddedStsKeys.of("LTAIdev", "devsecret", new byte[32]);
        keys.tokenKey()[0] = 1;
        assertThat(keys.tokenKey()[0]).isZero();
    }
}
