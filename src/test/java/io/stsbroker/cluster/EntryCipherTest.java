package io.stsbroker.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.stsbroker.cluster.SharedCredentialsTest.random;
import static org.assertj.core.api.Assertions.assertThat;

class EntryCipherTest {

    static final byte[] KEY = random(32);
    static final byte[] NEXT = random(32);
    static final byte[] PLAIN = "{\"accessKeySecret\":\"s3cr3t\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedEntryOpensUnderItsOwnKeyName() {
        EntryCipher c = new EntryCipher(KEY, List.of());
        String sealed = c.seal("p:cred:{a}", PLAIN);
        assertThat(sealed).startsWith("v1." + c.currentKeyId() + ".").doesNotContain("s3cr3t");
        assertThat(c.open("p:cred:{a}", sealed)).isInstanceOfSatisfying(EntryCipher.Plain.class,
                p -> assertThat(p.bytes()).isEqualTo(PLAIN));
    }

    @Test
    void entryCopiedUnderAnotherKeyNameFailsToOpen() {
        EntryCipher c = new EntryCipher(KEY, List.of());
        assertThat(c.open("p:cred:{b}", c.seal("p:cred:{a}", PLAIN))).isInstanceOf(EntryCipher.Corrupt.class);
    }

    @Test
    void entryRelabelledWithAnotherKnownKeyIdFailsToOpen() {
        EntryCipher c = new EntryCipher(NEXT, List.of(KEY));
        String sealed = c.seal("p:cred:{a}", PLAIN);
        String relabelled = sealed.replace("." + EntryCipher.keyId(NEXT) + ".", "." + EntryCipher.keyId(KEY) + ".");
        assertThat(c.open("p:cred:{a}", relabelled)).isInstanceOf(EntryCipher.Corrupt.class);
    }

    @Test
    void tamperedCiphertextFailsToOpen() {
        EntryCipher c = new EntryCipher(KEY, List.of());
        String sealed = c.seal("k", PLAIN);
        char last = sealed.charAt(sealed.length() - 3);
        String tampered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 2);
        assertThat(c.open("k", tampered)).isInstanceOf(EntryCipher.Corrupt.class);
        assertThat(c.open("k", "not an entry")).isInstanceOf(EntryCipher.Corrupt.class);
    }

    @Test
    void afterRotationOldEntriesOpenAndNewOnesUseTheNewKey() {
        String old = new EntryCipher(KEY, List.of()).seal("k", PLAIN);
        EntryCipher rotated = new EntryCipher(NEXT, List.of(KEY));
        assertThat(rotated.open("k", old)).isInstanceOf(EntryCipher.Plain.class);
        assertThat(rotated.seal("k", PLAIN)).startsWith("v1." + EntryCipher.keyId(NEXT) + ".");
    }

    @Test
    void entryUnderAKeyThisReplicaDoesNotHoldIsReportedAsUnknown() {
        String newer = new EntryCipher(NEXT, List.of(KEY)).seal("k", PLAIN);
        assertThat(new EntryCipher(KEY, List.of()).open("k", newer))
                .isEqualTo(new EntryCipher.UnknownKey(EntryCipher.keyId(NEXT)));
    }

    @Test
    void keyIdNamesTheKeyWithoutRevealingIt() {
        assertThat(EntryCipher.keyId(KEY)).hasSize(16).isNotEqualTo(EntryCipher.keyId(NEXT));
        assertThat(EntryCipher.keyId(KEY)).isEqualTo(EntryCipher.keyId(KEY.clone()));
    }
}
