package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The per-caller limits on new mints, on their own: variants held, mints per minute, and who counts as cold. */
class MintAdmissionTest {

    private static final String ROLE = "acs:ram::1:role/r";
    /** What the cache holds: key -> seconds until it leaves (0 while being minted). */
    private final Map<CredentialKey, Long> cached = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private MintAdmission admission(int mintsPerMinute, int maxVariants) {
        return new MintAdmission(mintsPerMinute, maxVariants, 1000, k -> cached.getOrDefault(k, -1L), meters);
    }

    private static CredentialKey key(String identity, String policy) {
        return new CredentialKey(ROLE, identity, 3600, policy, "");
    }

    /** Admits and, like the cache, holds the key. */
    private FetchPriority mint(MintAdmission a, CredentialKey k) {
        return decided(a.admit(k, p -> {
            cached.put(k, 1800L);
            return p;
        }));
    }

    /** Admits without holding the key afterwards, like a mint that failed. */
    private static FetchPriority admit(MintAdmission a, CredentialKey k) {
        return decided(a.admit(k, p -> p));
    }

    /** The local quota decides at once: the stage is complete, and a refusal is its BrokerException. */
    private static FetchPriority decided(CompletionStage<FetchPriority> stage) {
        CompletableFuture<FetchPriority> f = stage.toCompletableFuture();
        assertThat(f).isDone();
        try {
            return f.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private double refused(String reason) {
        return meters.counter("broker.mints.refused", "reason", reason).count();
    }

    @Test
    void aCallerHoldingNothingForTheRoleIsColdAndItsNextVariantsAreDeferrable() {
        MintAdmission a = admission(100, 10);
        assertThat(mint(a, key("alice", ""))).isEqualTo(FetchPriority.COLD);
        assertThat(mint(a, key("alice", "{\"a\":1}"))).isEqualTo(FetchPriority.DEFERRABLE);
        assertThat(mint(a, key("bob", "{\"a\":1}"))).as("variants are counted per caller").isEqualTo(FetchPriority.COLD);
        // Once alice's credentials have left the cache she is cold again.
        cached.clear();
        assertThat(admit(a, key("alice", "{\"b\":2}"))).isEqualTo(FetchPriority.COLD);
    }

    @Test
    void oneVariantMoreThanTheCapIsRefusedWithAMessageSayingWhyUntilOneLeaves() {
        MintAdmission a = admission(100, 3);
        for (int i = 0; i < 3; i++) {
            mint(a, key("carol", "{\"v\":" + i + "}"));
        }
        cached.put(key("carol", "{\"v\":0}"), 42L);
        Throwable t = catchThrowable(() -> admit(a, key("carol", "{\"v\":3}")));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLING);
            assertThat(e.getMessage()).contains("3 variants").contains("broker.cache.max-variants-per-caller");
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(42));
        });
        assertThat(refused("variant-limit")).isEqualTo(1);
        // A variant it holds is no new variant; another caller is not affected.
        assertThat(admit(a, key("carol", "{\"v\":1}"))).isEqualTo(FetchPriority.DEFERRABLE);
        assertThat(admit(a, key("dave", "{\"v\":3}"))).isEqualTo(FetchPriority.COLD);
        // One of carol's variants leaves the cache (a failed mint, eviction or expiry): room again.
        cached.remove(key("carol", "{\"v\":2}"));
        assertThat(admit(a, key("carol", "{\"v\":3}"))).isEqualTo(FetchPriority.DEFERRABLE);
    }

    @Test
    void mintsBeyondThePerMinuteLimitAreRefusedWithRetryAfterWhateverTheVariants() {
        MintAdmission a = admission(5, 100);
        for (int i = 0; i < 5; i++) {
            admit(a, key("erin", "{\"v\":" + i + "}"));   // failed mints: never held, still counted
        }
        Throwable t = catchThrowable(() -> admit(a, key("erin", "{\"v\":5}")));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLING);
            assertThat(e.getMessage()).contains("broker.rate-limit.mints-per-caller").doesNotContain("{");
            // One mint every 12 s at 5 per minute.
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isBetween(12L, 13L));
        });
        assertThat(refused("mint-limit")).isEqualTo(1);
        assertThat(refused("variant-limit")).isZero();
        assertThat(admit(a, key("frank", ""))).as("the limit is per caller").isEqualTo(FetchPriority.COLD);
    }

    @Test
    void oneMintAMinuteAndOneVariantAreValidSettings() {
        MintAdmission a = admission(1, 1);
        assertThat(mint(a, key("gina", ""))).isEqualTo(FetchPriority.COLD);
        assertThat(catchThrowable(() -> admit(a, key("gina", "{\"x\":1}")))).isInstanceOf(BrokerException.class);
    }

    @Test
    void aCallerAskingAgainForTheOnlyVariantItHoldsIsStillCold() {
        MintAdmission a = admission(100, 10);
        CredentialKey k = key("hank", "");
        assertThat(mint(a, k)).isEqualTo(FetchPriority.COLD);
        assertThat(admit(a, k)).isEqualTo(FetchPriority.COLD);
    }

    @Test
    void aVariantBeingMintedStillCountsAndItsRetryAfterIsOneSecond() {
        MintAdmission a = admission(100, 2);
        mint(a, key("ida", "{\"v\":0}"));
        mint(a, key("ida", "{\"v\":1}"));
        cached.put(key("ida", "{\"v\":0}"), 0L);   // being minted again
        cached.put(key("ida", "{\"v\":1}"), 42L);
        Throwable t = catchThrowable(() -> admit(a, key("ida", "{\"v\":2}")));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.retryAfter()).hasValue(java.time.Duration.ofSeconds(1)));
    }

    @Test
    void aKeyTheCacheDroppedIsForgottenAndMakesRoom() {
        MintAdmission a = admission(100, 1);
        CredentialKey first = key("jo", "{\"v\":0}");
        mint(a, first);
        assertThat(catchThrowable(() -> admit(a, key("jo", "{\"v\":1}")))).isInstanceOf(BrokerException.class);
        a.forget(first);    // told by the cache's removal listener; the test's map still says held
        assertThat(admit(a, key("jo", "{\"v\":1}"))).isEqualTo(FetchPriority.COLD);
        a.forget(key("nobody", ""));    // a caller never seen: nothing to forget
    }
}
