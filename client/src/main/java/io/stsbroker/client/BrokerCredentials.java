package io.stsbroker.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * The credentials for one role, cached and refreshed per a {@link RefreshPolicy}: served from
 * cache while more than {@code minRemaining} is left, refreshed in the background once less than
 * {@code refreshBefore} is left, and fetched first (callers wait) when the cache is empty or too
 * close to expiry.
 *
 * <p>At most one fetch runs at a time (single flight); callers that need a fetched credential wait
 * for that one, at most {@link Builder#maxWait(Duration)}. After a failure the {@link BrokerClient}
 * answers from memory until its backoff (or the broker's {@code Retry-After}) has passed, so callers
 * that keep asking do not turn into a stream of broker requests. A failed background refresh leaves the cached credential in service until its
 * floor. Thread-safe. {@link #close()} stops the background thread; an idle instance holds no
 * thread either (the refresh thread ends after 30 seconds idle).
 */
public final class BrokerCredentials implements CredentialsSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrokerCredentials.class.getName());

    /** A cached credential with its jittered refresh point and the start of the last fetch attempt. */
    private record Cached(TemporaryCredentials credentials, Instant refreshAt, Instant lastAttempt) {
    }

    private final CredentialsFetcher fetcher;
    private final String role;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final DoubleSupplier random;
    private final Duration maxWait;

    private final Object lock = new Object();
    private volatile Cached cached;
    private volatile boolean closed;
    /** The running fetch, shared by every caller that needs its result. Guarded by {@link #lock}. */
    private CompletableFuture<TemporaryCredentials> inFlight;

    private BrokerCredentials(Builder builder) {
        this.fetcher = builder.fetcher;
        this.role = builder.role;
        this.policy = builder.policy;
        this.clock = builder.clock;
        this.random = builder.random;
        this.maxWait = builder.maxWait;
        this.ownedExecutor = builder.executor == null ? RefreshThreads.newExecutor(role) : null;
        this.executor = builder.executor == null ? ownedExecutor : builder.executor;
    }

    /** Configures credentials for {@code role} fetched through {@code fetcher} (usually a {@link BrokerClient}). */
    public static Builder builder(CredentialsFetcher fetcher, String role) {
        return new Builder(fetcher, role);
    }

    /** Credentials for {@code role} from a {@link BrokerClient} configured by the environment. */
    public static BrokerCredentials fromEnvironment(String role) {
        return BrokerClient.fromEnvironment().credentials(role);
    }

    /**
     * Returns credentials with more than {@code minRemaining} left, fetching first if needed.
     *
     * @throws BrokerException       if a fetch was needed and failed
     * @throws IllegalStateException if closed
     */
    @Override
    public TemporaryCredentials credentials() {
        if (closed) {
            throw new IllegalStateException("BrokerCredentials for role '" + role + "' is closed");
        }
        Cached current = cached;
        if (current != null) {
            Instant now = clock.instant();
            switch (policy.decide(now, current.credentials().expiration(), current.refreshAt(), current.lastAttempt())) {
                case SERVE:
                    return current.credentials();
                case SERVE_AND_REFRESH:
                    refreshInBackground(now);
                    return current.credentials();
                case FETCH_FIRST:
                default:
                    break;
            }
        }
        return await(fetchFirst());
    }

    /** The role these credentials are for. */
    public String role() {
        return role;
    }

    /** The clock expiry decisions are made with. */
    public Clock clock() {
        return clock;
    }

    /** The refresh policy in force. */
    public RefreshPolicy policy() {
        return policy;
    }

    /** Stops background refreshes and the refresh thread; later {@link #credentials()} calls fail. */
    @Override
    public void close() {
        CompletableFuture<TemporaryCredentials> running;
        synchronized (lock) {
            closed = true;
            running = inFlight;
        }
        if (running != null) {
            // A queued background fetch is dropped by the shutdown below; release anyone waiting for it.
            running.completeExceptionally(new IllegalStateException("BrokerCredentials for role '" + role + "' was closed"));
        }
        if (ownedExecutor != null) {
            RefreshThreads.shutdown(ownedExecutor);
        }
    }

    @Override
    public String toString() {
        Cached current = cached;
        return "BrokerCredentials[role=" + role + ", cached=" + (current == null ? "none" : current.credentials()) + "]";
    }

    private void refreshInBackground(Instant now) {
        CompletableFuture<TemporaryCredentials> future;
        synchronized (lock) {
            if (inFlight != null || closed) {
                return;
            }
            future = startAttempt(now);
        }
        try {
            executor.execute(() -> runFetch(future, true));
        } catch (RejectedExecutionException e) {
            finish(future, e, true);
        }
    }

    private CompletableFuture<TemporaryCredentials> fetchFirst() {
        CompletableFuture<TemporaryCredentials> future;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            Instant now = clock.instant();
            Cached current = cached;
            // Another caller's fetch may have finished since this caller looked.
            if (current != null && policy.usable(now, current.credentials().expiration())) {
                return CompletableFuture.completedFuture(current.credentials());
            }
            future = startAttempt(now);
        }
        // The caller's own thread does the work: it has to wait anyway, and the executor may be busy or closed.
        runFetch(future, false);
        return future;
    }

    /** Registers a new in-flight fetch and records its start. Caller holds {@link #lock}. */
    private CompletableFuture<TemporaryCredentials> startAttempt(Instant now) {
        CompletableFuture<TemporaryCredentials> future = new CompletableFuture<>();
        inFlight = future;
        Cached current = cached;
        if (current != null) {
            cached = new Cached(current.credentials(), current.refreshAt(), now);
        }
        return future;
    }

    private void runFetch(CompletableFuture<TemporaryCredentials> future, boolean background) {
        try {
            TemporaryCredentials fresh = fetcher.fetch(role);
            Instant now = clock.instant();
            if (!policy.usable(now, fresh.expiration())) {
                throw tooShort(fresh, now);
            }
            Cached previous = cached;
            cached = new Cached(fresh, policy.refreshAt(fresh.expiration(), random.getAsDouble()),
                    previous == null ? now : previous.lastAttempt());
            finish(future, null, background);
            future.complete(fresh);
        } catch (Throwable t) {
            finish(future, t, background);
        }
    }

    private void finish(CompletableFuture<TemporaryCredentials> future, Throwable failure, boolean background) {
        synchronized (lock) {
            if (inFlight == future) {
                inFlight = null;
            }
        }
        if (failure == null) {
            return;
        }
        if (background && !closed) {
            Cached current = cached;
            LOG.log(System.Logger.Level.WARNING, "Background refresh of credentials for role ''{0}'' failed;"
                    + " still serving the cached ones until {1}: {2}", role,
                    current == null ? "-" : policy.staleAt(current.credentials().expiration()), failure.getMessage());
        }
        future.completeExceptionally(failure);
    }

    private BrokerException tooShort(TemporaryCredentials fresh, Instant now) {
        String message = "The broker handed out credentials for role '" + role + "' with only "
                + fresh.remaining(now).toSeconds() + "s left, but this client hands out none with "
                + policy.minRemaining().toMinutes() + " minutes or less left. Check this machine's clock"
                + " (it may be ahead) and the broker's minimum-remaining setting.";
        return new BrokerException(message, BrokerError.client(BrokerError.CLIENT_CREDENTIALS_TOO_SHORT, message));
    }

    private TemporaryCredentials await(CompletableFuture<TemporaryCredentials> future) {
        try {
            return future.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String message = "Gave up waiting for the running fetch of credentials for role '" + role + "' after "
                    + maxWait.toMillis() + " ms; it goes on in the background.";
            throw new BrokerUnavailableException(message, BrokerError.client(BrokerError.CLIENT_NETWORK, message), null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new BrokerException("Fetching credentials for role '" + role + "' failed: " + cause,
                    BrokerError.client(BrokerError.CLIENT_NETWORK, String.valueOf(cause)), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for credentials for role '" + role + "'.",
                    BrokerError.client(BrokerError.CLIENT_INTERRUPTED, "interrupted"), e);
        }
    }

    /** Configures {@link BrokerCredentials}. */
    public static final class Builder {
        private final CredentialsFetcher fetcher;
        private final String role;
        private RefreshPolicy policy = RefreshPolicy.DEFAULT;
        private Clock clock;
        private Executor executor;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Duration maxWait = Duration.ofSeconds(15);

        private Builder(CredentialsFetcher fetcher, String role) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            this.role = BrokerClient.checkRole(role);
            this.clock = fetcher instanceof BrokerClient client ? client.clock() : Clock.systemUTC();
        }

        /** When to refresh and when to stop serving. By default, {@link RefreshPolicy#DEFAULT}. */
        public Builder refreshPolicy(RefreshPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for expiry decisions. By default, the {@link BrokerClient}'s, else UTC system time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where background refreshes run; the caller owns it and {@link #close()} leaves it running.
         * By default, a private daemon thread that ends when idle or closed.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The longest a caller waits for a fetch that another caller (or the background) started;
         * then it gets a {@link BrokerUnavailableException} and the fetch goes on. By default,
         * 15 seconds (a {@link BrokerClient} call ends within its 10-second request timeout).
         */
        public Builder maxWait(Duration maxWait) {
            if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("maxWait must be positive: " + maxWait);
            }
            this.maxWait = maxWait;
            return this;
        }

        /** Random numbers in [0, 1) for the refresh jitter; tests pin it. */
        Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public BrokerCredentials build() {
            return new BrokerCredentials(this);
        }
    }
}
