package io.stsbroker.cluster;

import org.junit.jupiter.api.Test;

import static io.stsbroker.cluster.SharedCredentialsTest.random;
import static org.assertj.core.api.Assertions.assertThat;

class KeyNamesTest {

    @Test
    void tagDependsOnTheKeySecretSoGuessedNamesCannotBeHashedBack() {
        byte[] secret = random(32);
        String identity = "system:serviceaccount:shop:cart";
        String tag = new KeyNames(secret, "p:").tag("identity", identity);
        assertThat(tag).hasSize(43).doesNotContain("shop").doesNotContain("cart");
        assertThat(new KeyNames(secret, "p:").tag("identity", identity)).isEqualTo(tag);
        assertThat(new KeyNames(random(32), "p:").tag("identity", identity)).isNotEqualTo(tag);
    }

    @Test
    void partsAreSeparatedSoShiftedBoundariesGiveOtherTags() {
        KeyNames n = new KeyNames(random(32), "p:");
        assertThat(n.tag("credential", "ab", "c")).isNotEqualTo(n.tag("credential", "a", "bc"));
        assertThat(n.tag("identity", "x")).isNotEqualTo(n.tag("role", "x"));
    }

    @Test
    void everyNameCarriesThePrefix() {
        KeyNames n = new KeyNames(random(32), "tenant-a:");
        assertThat(n.entry("t")).startsWith("tenant-a:");
        assertThat(n.lock("t")).startsWith("tenant-a:");
        assertThat(n.budget()).startsWith("tenant-a:");
        assertThat(n.generation()).startsWith("tenant-a:");
        assertThat(n.channel()).startsWith("tenant-a:");
        assertThat(n.identityIndex("t")).startsWith("tenant-a:");
    }
}
