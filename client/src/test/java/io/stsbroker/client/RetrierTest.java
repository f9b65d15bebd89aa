package io.stsbroker.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetrierTest {
    private final List<Duration> sleeps = new ArrayList<>();
    private final Retrier retrier = new Retrier(RetryPolicy.DEFAULT, sleeps::add, () -> 0.0);

    private static BrokerUnavailableException unavailable(Duration retryAfter) {
        return new BrokerUnavailableException("busy", new BrokerError(503, "UpstreamUnavailable", "busy", "r", null),
                retryAfter, null);
    }

    @Test
    void retryableFailureIsRetriedHonouringRetryAfter() {
        AtomicInteger calls = new AtomicInteger();

        String result = retrier.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw unavailable(Duration.ofSeconds(2));
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void withoutRetryAfterTheBackoffDoubles() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call(() -> {
            calls.incrementAndGet();
            throw unavailable(null);
        })).isInstanceOf(BrokerUnavailableException.class);

        assertThat(calls).hasValue(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void retryAfterLongerThanMaxDelayFailsAtOnceInsteadOfBlocking() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call(() -> {
            calls.incrementAndGet();
            throw unavailable(Duration.ofSeconds(60));
        })).isInstanceOf(BrokerUnavailableException.class);

        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void permanentFailureIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call(() -> {
            calls.incrementAndGet();
            throw new BrokerAccessDeniedException("no", new BrokerError(403, "Forbidden", "no", "r", null), "role", null);
        })).isInstanceOf(BrokerAccessDeniedException.class);

        assertThat(calls).hasValue(1);
    }

    @Test
    void interruptedWaitStopsRetryingAndKeepsTheInterruptFlag() {
        Retrier interrupted = new Retrier(RetryPolicy.DEFAULT, d -> {
            throw new InterruptedException();
        }, () -> 0.0);

        try {
            assertThatThrownBy(() -> interrupted.call(() -> {
                throw unavailable(null);
            })).isInstanceOf(BrokerException.class)
                    .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(BrokerError.CLIENT_INTERRUPTED));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
