package io.stsbroker.vending;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Counts one caller's mints against its two limits, {@code broker.rate-limit.mints-per-caller} (a
 * bucket of that many refilled evenly over a minute) and {@code broker.cache.max-variants-per-caller}
 * ((durationSeconds, policy) variants of one role held or being minted), and says whether the mint
 * is a cold start. {@link MintAdmission} asks it and turns a refusal into the 429.
 *
 * <p>The default, {@link LocalMintQuota}, counts on this replica only. Another tier (cluster mode)
 * can count across replicas by decorating this interface (a CDI {@code @Decorator} whose
 * {@code @Delegate} is the local quota, which it may fall back to).
 */
public interface MintQuota {

    /**
     * Decides one mint of {@code key}, which the local cache does not hold: refuses it, or takes a
     * mint token, counts the variant and calls {@code start} with the mint's priority before the
     * stage completes.
     *
     * @param heldFor seconds until a key leaves this replica's cache at its floor, 0 while it is
     *                being minted, -1 when not held
     * @param start   starts the mint and puts it in the local cache; called at most once, only when
     *                the decision is {@link Admitted}
     */
    CompletionStage<Decision> admit(CredentialKey key, ToLongFunction<CredentialKey> heldFor,
                                    Consumer<FetchPriority> start);

    /** The local cache dropped {@code key} (a failed mint, an eviction, expiry or invalidation; not a refresh). */
    void forget(CredentialKey key);

    /** What {@link #admit} decided. */
    sealed interface Decision permits Admitted, TooManyVariants, TooManyMints {
    }

    /** The mint was started, at this priority ({@link FetchPriority#COLD}: the caller holds no other variant of the role). */
    record Admitted(FetchPriority priority) implements Decision {
    }

    /** The caller holds {@code max} variants of the role already; one leaves in about {@code retryAfter}. */
    record TooManyVariants(int max, Duration retryAfter) implements Decision {
    }

    /** The caller's mint bucket is empty; the next token comes in about {@code retryAfter}. */
    record TooManyMints(Duration retryAfter) implements Decision {
    }
}
