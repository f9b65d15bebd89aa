package io.stsbroker.client;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Calls the broker's HTTP API: one {@link #fetch} is one credentials request (retried on 429/503
 * per the {@link RetryPolicy}), with no caching; {@link #credentials(String)} adds the cache.
 *
 * <p>Thread-safe and cheap to share. It holds no threads of its own; the JDK {@link HttpClient}
 * inside it frees its daemon threads once the client is unreachable.
 */
public final class BrokerClient implements CredentialsFetcher {
    public static final String URL_ENV = "STS_BROKER_URL";
    public static final String CA_FILE_ENV = "STS_BROKER_CA_FILE";
    /** The broker's CA as PEM text, used when {@code STS_BROKER_CA_FILE} is unset (the admission webhook injects it). */
    public static final String CA_PEM_ENV = "STS_BROKER_CA_PEM";
    /** {@code true} allows plain {@code http://} to a broker that is not on this machine (the token then travels in clear). */
    public static final String ALLOW_PLAIN_HTTP_ENV = "STS_BROKER_ALLOW_PLAIN_HTTP";
    /** {@code host:port} of an HTTP proxy for broker requests; JVM-wide proxy settings are never used. */
    public static final String PROXY_ENV = "STS_BROKER_PROXY";

    /** How long the caller identity looked up to explain a 403 is reused. */
    private static final Duration IDENTITY_TTL = Duration.ofMinutes(1);
    private static final String STATUS_PATH = "api/v1/status";
    private static final String CREDENTIALS_POST_PATH = "v1/credentials";

    private static final System.Logger LOG = System.getLogger(BrokerClient.class.getName());

    private final URI baseUrl;
    private final TokenSource tokenSource;
    private final Clock clock;
    private final BrokerHttp http;
    private final Retrier retrier;
    private final FailureMemory failures;
    private final Duration requestTimeout;

    /** The identity last looked up for a 403 message, and until when it is reused. */
    private record Identity(Optional<String> caller, Instant until) {
    }

    private volatile Identity identity;

    private BrokerClient(Builder builder, URI baseUrl, TokenSource tokenSource, HttpClient httpClient) {
        this.baseUrl = baseUrl;
        this.tokenSource = tokenSource;
        this.clock = builder.clock;
        this.http = new BrokerHttp(httpClient, baseUrl, tokenSource, builder.requestTimeout);
        this.retrier = new Retrier(builder.retryPolicy, builder.sleeper, () -> ThreadLocalRandom.current().nextDouble());
        this.failures = new FailureMemory(builder.clock, builder.maxFailureBackoff);
        this.requestTimeout = builder.requestTimeout;
    }

    /** A builder whose unset values come from the environment (see {@link Builder#build()}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A client configured entirely from the process environment. */
    public static BrokerClient fromEnvironment() {
        return builder().build();
    }

    /**
     * Asks the broker for new credentials for {@code role} ({@code GET /v1/credentials/{role}}).
     *
     * <p>After a failure, calls for the same role made before the "not before" instant (the
     * backoff, or the broker's {@code Retry-After} if longer) get that failure again without a
     * request being sent; see {@link Builder#maxFailureBackoff(Duration)}.
     */
    @Override
    public TemporaryCredentials fetch(String role) {
        String path = credentialsPath(role);
        ErrorContext context = new ErrorContext("fetch credentials for role '" + role + "'", role,
                tokenSource.description(), this::identityQuietly);
        return failures.call(path, () -> {
            // One deadline for the whole call, retries included: a stalled broker holds no caller longer.
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            return retrier.call(deadline, () -> {
                BrokerResponse response = http.get(path, deadline);
                if (!response.successful()) {
                    throw BrokerErrors.toException(response, context, clock.instant());
                }
                return BrokerResponses.credentials(response);
            });
        });
    }

    /**
     * Asks the broker for new credentials as {@code request} says: a request without options is
     * {@link #fetch(String)}; one with a duration or a session policy is {@code POST /v1/credentials},
     * which the broker answers with credentials of their own (not shared with plain requests).
     *
     * <p>Failures are remembered per request body, as {@link #fetch(String)} remembers them per role:
     * a request refused for its duration does not hold back the same role asked for differently.
     */
    public TemporaryCredentials fetch(CredentialsRequest request) {
        Objects.requireNonNull(request, "request");
        if (!request.hasOptions()) {
            return fetch(request.role());
        }
        String body = request.toJson();
        ErrorContext context = new ErrorContext("fetch credentials for role '" + request.role() + "'", request.role(),
                tokenSource.description(), this::identityQuietly);
        return failures.call("POST " + CREDENTIALS_POST_PATH + " " + body, () -> {
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            return retrier.call(deadline, () -> {
                BrokerResponse response = http.post(CREDENTIALS_POST_PATH, body, deadline);
                if (!response.successful()) {
                    throw BrokerErrors.toException(response, context, clock.instant());
                }
                return BrokerResponses.credentials(response);
            });
        });
    }

    /** When the next request for {@code role} may be sent, if a failure is remembered. */
    Optional<Instant> notBefore(String role) {
        return failures.notBefore(credentialsPath(role));
    }

    /** Asks the broker who it thinks this caller is ({@code GET /api/v1/status}). */
    public BrokerStatus status() {
        ErrorContext context = new ErrorContext("report its status", null, tokenSource.description(), Optional::empty);
        return failures.call(STATUS_PATH, () -> retrier.call(() -> {
            BrokerResponse response = http.get(STATUS_PATH);
            if (!response.successful()) {
                throw BrokerErrors.toException(response, context, clock.instant());
            }
            return BrokerResponses.status(response);
        }));
    }

    /** A cached, background-refreshed source of credentials for {@code role} with {@link RefreshPolicy#DEFAULT}. */
    public BrokerCredentials credentials(String role) {
        return BrokerCredentials.builder(this, role).build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public TokenSource tokenSource() {
        return tokenSource;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "BrokerClient[" + baseUrl + ", token from " + tokenSource.description() + "]";
    }

    private Optional<String> identityQuietly() {
        // One attempt, no retries, and reused for a minute: this only decorates a 403 message,
        // and a caller looping on a refused role must not double its requests for it.
        Instant now = clock.instant();
        Identity known = identity;
        if (known != null && now.isBefore(known.until())) {
            return known.caller();
        }
        Optional<String> caller = Optional.empty();
        try {
            BrokerResponse response = http.get(STATUS_PATH);
            if (response.successful()) {
                caller = Optional.ofNullable(BrokerResponses.status(response).caller());
            }
        } finally {
            identity = new Identity(caller, now.plus(IDENTITY_TTL));
        }
        return caller;
    }

    static String checkRole(String role) {
        if (role == null || role.isBlank() || role.length() > 128 || role.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("role must be 1-128 printable characters: '" + role + "'");
        }
        return role;
    }

    /** The request path for {@code role}, percent-encoded as one path segment. */
    static String credentialsPath(String role) {
        return "v1/credentials/" + URLEncoder.encode(checkRole(role), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Configures a {@link BrokerClient}; every setting not made here comes from the environment.
     */
    public static final class Builder {
        private Function<String, String> env = System::getenv;
        private String baseUrl;
        private TokenSource tokenSource;
        private Path caFile;
        private SSLContext sslContext;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Retrier.Sleeper sleeper = Retrier.Sleeper.REAL;
        private Boolean allowPlainHttp;
        private ProxySelector proxy;
        private Duration maxFailureBackoff = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Where environment variables are read from. By default, {@code System::getenv}. */
        public Builder environment(Function<String, String> env) {
            this.env = Objects.requireNonNull(env, "env");
            return this;
        }

        /** The broker's base URL, e.g. {@code https://sts-broker.example.com}. By default, {@code STS_BROKER_URL}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** As {@link #baseUrl(String)}. */
        public Builder baseUrl(URI baseUrl) {
            return baseUrl(baseUrl.toString());
        }

        /** Where bearer tokens come from. By default, {@link TokenSources#fromEnvironment}. */
        public Builder tokenSource(TokenSource tokenSource) {
            this.tokenSource = Objects.requireNonNull(tokenSource, "tokenSource");
            return this;
        }

        /** A fixed bearer token (an API key or a JWT). */
        public Builder token(String token) {
            return tokenSource(TokenSource.of(token, "BrokerClient.Builder.token(..)"));
        }

        /** A token file re-read on every request, e.g. a projected service-account token. */
        public Builder tokenFile(Path file) {
            return tokenSource(TokenSource.ofFile(file));
        }

        /**
         * A PEM file with the CA(s) to trust for the broker's TLS certificate. By default,
         * {@code STS_BROKER_CA_FILE}, else the PEM text in {@code STS_BROKER_CA_PEM}.
         */
        public Builder caFile(Path caFile) {
            this.caFile = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /** The TLS context to use; overrides any CA file. By default, the JDK's trust store. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** The clock for expiry decisions and {@code Retry-After} dates. By default, UTC system time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How 429/503 answers are retried. By default, {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** TCP connect timeout. By default, 5 seconds. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Plain {@code http://} to a broker that is not on this machine (not {@code localhost} or a
         * loopback literal) sends the bearer token and the credentials in clear text, so it is
         * refused unless allowed here or with {@code STS_BROKER_ALLOW_PLAIN_HTTP=true}. By default, refused.
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * The proxy for broker requests. By default, none: the JVM-wide proxy settings
         * ({@code http.proxyHost}, {@code https.proxyHost}, the default {@link ProxySelector}) are
         * ignored, so the bearer token never reaches a proxy nobody chose for it; {@code STS_BROKER_PROXY}
         * ({@code host:port}) names one from the environment.
         */
        public Builder proxy(ProxySelector proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * The longest wait after repeated failures before the broker is asked again (the first wait
         * is 1 second, doubling per failure in a row; a longer {@code Retry-After} wins). By default, 30 seconds.
         */
        public Builder maxFailureBackoff(Duration maxBackoff) {
            this.maxFailureBackoff = positive(maxBackoff, "maxFailureBackoff");
            return this;
        }

        /**
         * Time allowed for one whole call, from connecting to the last byte of the last body,
         * retries included. By default, 10 seconds (the broker itself gives up after 8).
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        Builder sleeper(Retrier.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds the client, reading {@code STS_BROKER_URL}, the token variables and
         * {@code STS_BROKER_CA_FILE} for settings not made on this builder.
         *
         * @throws BrokerConfigurationException naming the setting that is missing or unusable
         */
        public BrokerClient build() {
            URI url = resolveUrl();
            if (BrokerUrl.cleartextOffHost(url)) {
                if (!resolveAllowPlainHttp()) {
                    throw new BrokerConfigurationException("The broker URL " + url + " is plain http to another host:"
                            + " the bearer token and the credentials would cross the network unencrypted. Use https,"
                            + " or, on a network you trust, set " + ALLOW_PLAIN_HTTP_ENV
                            + "=true (or call BrokerClient.Builder.allowPlainHttp(true)).");
                }
                LOG.log(System.Logger.Level.WARNING, "The broker URL {0} is plain http to another host, allowed by"
                        + " configuration: bearer tokens and credentials cross the network unencrypted.", url);
            }
            TokenSource tokens = tokenSource != null ? tokenSource : TokenSources.fromEnvironment(env);
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    // Never follow redirects: the bearer token must only go to the configured broker.
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .proxy(resolveProxy());
            resolveSsl().ifPresent(http::sslContext);
            return new BrokerClient(this, url, tokens, http.build());
        }

        private URI resolveUrl() {
            if (baseUrl != null) {
                return BrokerUrl.parse(baseUrl, "BrokerClient.Builder.baseUrl(..)");
            }
            String fromEnv = env.apply(URL_ENV);
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new BrokerConfigurationException("No broker URL: set " + URL_ENV
                        + " (e.g. https://sts-broker.example.com) or call BrokerClient.Builder.baseUrl(..).");
            }
            return BrokerUrl.parse(fromEnv, "environment variable " + URL_ENV);
        }

        private boolean resolveAllowPlainHttp() {
            if (allowPlainHttp != null) {
                return allowPlainHttp;
            }
            String value = env.apply(ALLOW_PLAIN_HTTP_ENV);
            if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("false")) {
                return false;
            }
            if (value.strip().equalsIgnoreCase("true")) {
                return true;
            }
            throw new BrokerConfigurationException(ALLOW_PLAIN_HTTP_ENV + " must be true or false, not '"
                    + TokenText.printable(value) + "'.");
        }

        private ProxySelector resolveProxy() {
            if (proxy != null) {
                return proxy;
            }
            String value = env.apply(PROXY_ENV);
            if (value == null || value.isBlank()) {
                return HttpClient.Builder.NO_PROXY;
            }
            String text = value.strip().replaceFirst("^http://", "");
            int colon = text.lastIndexOf(':');
            try {
                if (colon > 0 && !text.contains("/") && !text.contains("@")) {
                    int port = Integer.parseInt(text.substring(colon + 1));
                    if (port > 0 && port <= 65535) {
                        return ProxySelector.of(InetSocketAddress.createUnresolved(text.substring(0, colon), port));
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BrokerConfigurationException(PROXY_ENV + " must be host:port (e.g. proxy.internal:3128), not '"
                    + TokenText.printable(io.stsbroker.client.internal.Redact.userInfo(value)) + "'.");
        }

        private Optional<SSLContext> resolveSsl() {
            if (sslContext != null) {
                return Optional.of(sslContext);
            }
            if (caFile != null) {
                return Optional.of(PemTrust.sslContext(caFile));
            }
            String fromEnv = env.apply(CA_FILE_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return Optional.of(PemTrust.sslContext(Path.of(fromEnv.strip())));
            }
            String pem = env.apply(CA_PEM_ENV);
            return pem == null || pem.isBlank() ? Optional.empty() : Optional.of(PemTrust.sslContextFromPem(pem));
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
