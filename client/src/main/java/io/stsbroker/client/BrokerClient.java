package io.stsbroker.client;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    private static final System.Logger LOG = System.getLogger(BrokerClient.class.getName());

    private final URI baseUrl;
    private final TokenSource tokenSource;
    private final Clock clock;
    private final BrokerHttp http;
    private final Retrier retrier;

    private BrokerClient(Builder builder, URI baseUrl, TokenSource tokenSource, HttpClient httpClient) {
        this.baseUrl = baseUrl;
        this.tokenSource = tokenSource;
        this.clock = builder.clock;
        this.http = new BrokerHttp(httpClient, baseUrl, tokenSource, builder.requestTimeout);
        this.retrier = new Retrier(builder.retryPolicy, builder.sleeper, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A builder whose unset values come from the environment (see {@link Builder#build()}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A client configured entirely from the process environment. */
    public static BrokerClient fromEnvironment() {
        return builder().build();
    }

    /** Asks the broker for new credentials for {@code role} ({@code GET /v1/credentials/{role}}). */
    @Override
    public TemporaryCredentials fetch(String role) {
        String path = credentialsPath(role);
        ErrorContext context = new ErrorContext("fetch credentials for role '" + role + "'", role,
                tokenSource.description(), this::identityQuietly);
        return retrier.call(() -> {
            BrokerResponse response = http.get(path);
            if (!response.successful()) {
                throw BrokerErrors.toException(response, context, clock.instant());
            }
            return BrokerResponses.credentials(response);
        });
    }

    /** Asks the broker who it thinks this caller is ({@code GET /api/v1/status}). */
    public BrokerStatus status() {
        ErrorContext context = new ErrorContext("report its status", null, tokenSource.description(), Optional::empty);
        return retrier.call(() -> {
            BrokerResponse response = http.get("api/v1/status");
            if (!response.successful()) {
                throw BrokerErrors.toException(response, context, clock.instant());
            }
            return BrokerResponses.status(response);
        });
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
        // One attempt, no retries: this only decorates a 403 message.
        BrokerResponse response = http.get("api/v1/status");
        return response.successful() ? Optional.ofNullable(BrokerResponses.status(response).caller()) : Optional.empty();
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

        /** A PEM file with the CA(s) to trust for the broker's TLS certificate. By default, {@code STS_BROKER_CA_FILE}. */
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

        /** Time allowed for one whole request. By default, 10 seconds (the broker itself gives up after 8). */
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
                LOG.log(System.Logger.Level.WARNING, "The broker URL {0} is plain http to another host: bearer"
                        + " tokens and credentials cross the network unencrypted. Use https.", url);
            }
            TokenSource tokens = tokenSource != null ? tokenSource : TokenSources.fromEnvironment(env);
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    // Never follow redirects: the bearer token must only go to the configured broker.
                    .followRedirects(HttpClient.Redirect.NEVER);
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

        private Optional<SSLContext> resolveSsl() {
            if (sslContext != null) {
                return Optional.of(sslContext);
            }
            if (caFile != null) {
                return Optional.of(PemTrust.sslContext(caFile));
            }
            String fromEnv = env.apply(CA_FILE_ENV);
            return fromEnv == null || fromEnv.isBlank()
                    ? Optional.empty()
                    : Optional.of(PemTrust.sslContext(Path.of(fromEnv.strip())));
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
