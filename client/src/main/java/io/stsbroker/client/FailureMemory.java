package io.stsbroker.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers the last failure of each broker request (by path) and a "not before" instant, and
 * answers calls made before it with that failure instead of sending another request: after any
 * failure, however many threads ask, the broker hears from this client at most once per wait.
 *
 * <p>The wait after the {@code n}-th failure in a row is the broker's {@code Retry-After} if it is
 * longer, else {@code 1 s * 2^(n-1)} capped at {@code maxBackoff}. A success forgets the path's
 * failures. Times come from the client's {@link Clock}, so tests move them by hand.
 *
 * <p><b>Note:</b> a remembered retryable failure is reported as a new
 * {@link BrokerUnavailableException} whose {@code retryAfter()} is the time left until the next
 * attempt; any other remembered failure (401, 403, a malformed answer) is rethrown as it was.
 */
final class FailureMemory {
    /** The first wait after a failure: enough to turn a loop into a trickle. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** Paths remembered at most; more (e.g. a loop over made-up role names) starts over. */
    private static final int MAX_PATHS = 256;

    private record Failure(BrokerException error, Instant notBefore, int streak) {
    }

    private final Clock clock;
    private final Duration maxBackoff;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    FailureMemory(Clock clock, Duration maxBackoff) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBackoff = maxBackoff.compareTo(FIRST_BACKOFF) < 0 ? FIRST_BACKOFF : maxBackoff;
    }

    /** Runs {@code call} for {@code path} unless a remembered failure of that path is still in force. */
    <T> T call(String path, Supplier<T> call) {
        Failure last = failures.get(path);
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.notBefore())) {
            throw remembered(last, now);
        }
        try {
            T result = call.get();
            failures.remove(path);
            return result;
        } catch (BrokerException e) {
            remember(path, e, last);
            throw e;
        }
    }

    /** The instant before which {@code path} is not asked again, if a failure is remembered. */
    java.util.Optional<Instant> notBefore(String path) {
        return java.util.Optional.ofNullable(failures.get(path)).map(Failure::notBefore);
    }

    private void remember(String path, BrokerException e, Failure last) {
        if (e.code().equals(BrokerError.CLIENT_INTERRUPTED) || e instanceof BrokerConfigurationException) {
            return; // our own thread or setup, not the broker: nothing to back off from
        }
        int streak = last == null ? 1 : Math.min(last.streak() + 1, 30);
        Duration wait = backoff(streak);
        if (e instanceof BrokerUnavailableException unavailable && unavailable.retryAfter().isPresent()
                && unavailable.retryAfter().get().compareTo(wait) > 0) {
            wait = unavailable.retryAfter().get();
        }
        if (failures.size() >= MAX_PATHS && !failures.containsKey(path)) {
            failures.clear();
        }
        failures.put(path, new Failure(e, clock.instant().plus(wait), streak));
    }

    Duration backoff(int streak) {
        Duration wait = FIRST_BACKOFF;
        for (int i = 1; i < streak && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    private static BrokerException remembered(Failure last, Instant now) {
        if (last.error() instanceof BrokerUnavailableException unavailable) {
            Duration left = Duration.between(now, last.notBefore());
            BrokerUnavailableException again = new BrokerUnavailableException(unavailable.getMessage()
                    + " (remembered: the next request to the broker is due in " + Math.max(1, left.toSeconds()) + "s)",
                    unavailable.error(), left, unavailable);
            return again;
        }
        return last.error();
    }
}
