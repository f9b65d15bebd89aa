package io.stsbroker.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Runs a broker call, repeating it per a {@link RetryPolicy} while it fails with a
 * {@link BrokerUnavailableException}; every other failure surfaces at once.
 */
final class Retrier {

    /** Waits; tests pass a recorder so no test sleeps. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    <T> T call(Supplier<T> attempt) {
        return call(Long.MAX_VALUE, attempt);
    }

    /** As {@link #call(Supplier)}, but no retry is started whose wait would end after {@code deadlineNanos}. */
    <T> T call(long deadlineNanos, Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (BrokerUnavailableException e) {
                if (n >= policy.maxAttempts()) {
                    throw e;
                }
                // The later of our backoff and the broker's Retry-After: "Retry-After: 0" is no licence to hammer.
                Duration wait = policy.backoff(n, random.getAsDouble());
                if (e.retryAfter().isPresent()) {
                    if (e.retryAfter().get().compareTo(policy.maxDelay()) > 0) {
                        // Blocking a caller for longer is worse than failing: the failure is remembered instead.
                        throw e;
                    }
                    if (e.retryAfter().get().compareTo(wait) > 0) {
                        wait = e.retryAfter().get();
                    }
                }
                if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() + wait.toNanos() >= deadlineNanos) {
                    throw e; // the caller's deadline comes first
                }
                sleep(wait, e);
            }
        }
    }

    private void sleep(Duration wait, BrokerUnavailableException last) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            BrokerException e = new BrokerException("Interrupted while waiting to retry the broker request.",
                    BrokerError.client(BrokerError.CLIENT_INTERRUPTED, "interrupted"), interrupted);
            e.addSuppressed(last);
            throw e;
        }
    }
}
