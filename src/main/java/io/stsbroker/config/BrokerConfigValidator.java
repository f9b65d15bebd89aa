package io.stsbroker.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every check on the configuration that needs more than a type, in one place:
 * {@link #validate} throws {@link IllegalArgumentException} for the first bad setting, naming the
 * property and its value, and never the value of a secret (API key digests are named, not printed).
 * {@link StartupValidation} runs it before any bean that reads {@code broker.*} is built.
 *
 * <p><b>Not here</b>, because they need more than the configuration: a role's shape
 * ({@code policy.RoleValidator}, also run on every reload of {@code broker.roles-file}) and the file
 * itself ({@code policy.AccessPolicy}); the JWT keys' content ({@code auth.TrustedKeys}, which reads
 * them); the broker's own
 * Alibaba identity ({@code sts.SigningIdentities}, which reads the environment).
 */
public final class BrokerConfigValidator {

    /** The most {@code broker.auth.expiry-skew} may be. */
    public static final Duration MAX_EXPIRY_SKEW = Duration.ofMinutes(5);
    /** The most {@code broker.auth.issued-at-skew} may be. */
    public static final Duration MAX_ISSUED_AT_SKEW = Duration.ofMinutes(10);

    private static final Pattern API_KEY_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String HTTP_PERMISSIONS = "quarkus.http.auth.permission.";
    static final String JWT_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String JWT_KEY = "mp.jwt.verify.publickey";
    static final String JWT_ISSUER = "mp.jwt.verify.issuer";
    static final String JWT_AUDIENCES = "mp.jwt.verify.audiences";
    static final List<String> JWT_REPLACED_SKEWS = List.of("mp.jwt.verify.clock.skew", "smallrye.jwt.expiration.grace");

    /**
     * The settings outside {@code broker.*} that the broker's own depend on.
     *
     * @param maxHeaderBytes {@code quarkus.http.limits.max-header-size}, Vert.x's hard cap
     * @param idleTimeout    {@code quarkus.http.idle-timeout}
     * @param securityEvents {@code quarkus.security.events.enabled}
     * @param propertyNames  every property name (to find {@code quarkus.http.auth.permission.*})
     * @param configured     a property's value when someone set it, empty when unset or only defaulted
     *                       (SmallRye JWT ships a default issuer that must not count as configured)
     */
    public record ServerSettings(long maxHeaderBytes, Duration idleTimeout, boolean securityEvents,
                                 Iterable<String> propertyNames, Function<String, Optional<String>> configured) {

        /** Quarkus's defaults (20K header cap, 30 min idle timeout, security events on) and these properties. */
        public static ServerSettings defaults(Map<String, String> configured) {
            return new ServerSettings(20 * 1024, Duration.ofMinutes(30), true, configured.keySet(),
                    name -> Optional.ofNullable(configured.get(name)).filter(v -> !v.isBlank()));
        }
    }

    private BrokerConfigValidator() {
    }

    /** Throws {@link IllegalArgumentException} naming the first property whose value cannot work. */
    public static void validate(BrokerConfig config, ServerSettings server) {
        http(config, server);
        auth(config.auth(), server);
        jwt(server.configured());
        apiKeys(config.apiKeys());
        admin(config.admin());
        if (config.rolesFile().isPresent() && !positive(config.rolesFilePollInterval())) {
            throw invalid("broker.roles-file-poll-interval=" + config.rolesFilePollInterval() + ": must be positive");
        }
        sts(config.sts());
        cache(config.cache());
        rateLimit(config.rateLimit(), config.roles());
    }

    private static void http(BrokerConfig config, ServerSettings server) {
        if (server.idleTimeout().compareTo(config.requestTimeout()) <= 0) {
            // A request waiting for STS exchanges no bytes: the connection would be closed as idle under it.
            throw invalid("quarkus.http.idle-timeout=" + server.idleTimeout()
                    + ": must be longer than broker.request-timeout (" + config.requestTimeout() + ")");
        }
        int maxHeaderSize = config.http().maxHeaderSize();
        if (maxHeaderSize <= 0 || maxHeaderSize >= server.maxHeaderBytes()) {
            throw invalid("broker.http.max-header-size=" + maxHeaderSize
                    + ": must be positive and below quarkus.http.limits.max-header-size (" + server.maxHeaderBytes()
                    + " bytes), where Vert.x refuses headers without the JSON error body");
        }
        if (config.http().warmRoute()) {
            firstHttpPermission(server.propertyNames()).ifPresent(name -> {
                throw invalid(name + ": broker.http.warm-route=true answers"
                        + " cached credential requests before quarkus.http.auth.permission policies run;"
                        + " set broker.http.warm-route=false to use such policies");
            });
        }
    }

    /** An HTTP permission policy would not see requests the warm route answers. */
    static Optional<String> firstHttpPermission(Iterable<String> propertyNames) {
        for (String name : propertyNames) {
            if (name.startsWith(HTTP_PERMISSIONS)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static void auth(BrokerConfig.Auth auth, ServerSettings server) {
        int maxPerMinute = auth.maxFailuresPerMinute();
        if (maxPerMinute < 0) {
            throw invalid("broker.auth.max-failures-per-minute=" + maxPerMinute + ": must be 0 (off) or positive");
        }
        if (maxPerMinute > 0 && !server.securityEvents()) {
            // Failures are counted from Quarkus security events; without them the limit would silently do nothing.
            throw new IllegalArgumentException("Invalid configuration: broker.auth.max-failures-per-minute=" + maxPerMinute
                    + " needs quarkus.security.events.enabled=true (failed authentications are counted from those events);"
                    + " set broker.auth.max-failures-per-minute=0 to switch the limit off");
        }
        within("broker.auth.expiry-skew", auth.expirySkew(), MAX_EXPIRY_SKEW);
        within("broker.auth.issued-at-skew", auth.issuedAtSkew(), MAX_ISSUED_AT_SKEW);
    }

    private static void jwt(Function<String, Optional<String>> configured) {
        boolean key = configured.apply(JWT_KEY_LOCATION).isPresent() || configured.apply(JWT_KEY).isPresent();
        if (key && configured.apply(JWT_ISSUER).isEmpty()) {
            // Without an expected issuer and audience every token the cluster signs, for any audience, would do.
            throw new IllegalArgumentException("Invalid configuration: " + JWT_KEY_LOCATION + " is set but " + JWT_ISSUER
                    + " is not; set the issuer the broker must accept (for Kubernetes, the cluster's service-account issuer)");
        }
        if (key && configured.apply(JWT_AUDIENCES).isEmpty()) {
            throw new IllegalArgumentException("Invalid configuration: " + JWT_KEY_LOCATION + " is set but " + JWT_AUDIENCES
                    + " is not; set the audience callers request for the broker (for example sts-broker)");
        }
        for (String skew : JWT_REPLACED_SKEWS) {
            // The broker's own skews replace SmallRye's; a value that silently did nothing would mislead.
            configured.apply(skew).ifPresent(value -> {
                throw invalid(skew + "=" + value + ": the broker ignores it; set broker.auth.expiry-skew (default 0s, for exp) and"
                        + " broker.auth.issued-at-skew (default 60s, for nbf and iat) instead");
            });
        }
    }

    private static void within(String property, Duration value, Duration max) {
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw invalid(property + "=" + value + ": must be between 0s and " + max);
        }
    }

    private static void apiKeys(Map<String, List<String>> apiKeys) {
        apiKeys.forEach((name, digests) -> {
            if (!API_KEY_NAME.matcher(name).matches()) {
                throw invalid("broker.api-keys." + name + ": a key name is 1..64 characters of [A-Za-z0-9._@-]");
            }
            for (int i = 0; i < digests.size(); i++) {
                if (!SHA256_HEX.matcher(digests.get(i).strip()).matches()) {
                    // The value is not echoed: a plain key pasted here by mistake must not reach the log.
                    throw invalid("broker.api-keys." + name + " (entry " + (i + 1)
                            + "): expected the SHA-256 hex digest (64 hex digits) of the key, not the key itself");
                }
            }
        });
    }

    private static void admin(BrokerConfig.Admin admin) {
        for (String pattern : admin.allow().orElse(List.of())) {
            if (pattern.isBlank()) {
                throw invalid("broker.admin.allow='" + pattern + "': an identity pattern must not be blank");
            }
        }
    }

    private static void sts(BrokerConfig.Sts sts) {
        if (sts.maxAttempts() < 1) {
            throw invalid("broker.sts.max-attempts='" + sts.maxAttempts() + "': must be at least 1");
        }
        if (!positive(sts.retryBackoff())) {
            throw invalid("broker.sts.retry-backoff='" + sts.retryBackoff() + "': must be positive");
        }
        if (sts.maxCallsPerSecond() < 1) {
            throw invalid("broker.sts.max-calls-per-second='" + sts.maxCallsPerSecond() + "': must be at least 1");
        }
        if (sts.budgetWait().isNegative()) {
            throw invalid("broker.sts.budget-wait='" + sts.budgetWait() + "': must be zero or positive");
        }
    }

    private static void cache(BrokerConfig.Cache cache) {
        if (cache.failureTtl().isNegative()) {
            throw invalid("broker.cache.failure-ttl='" + cache.failureTtl() + "': must be zero (off) or positive");
        }
        if (cache.maxVariantsPerCaller() < 1) {
            throw invalid("broker.cache.max-variants-per-caller='" + cache.maxVariantsPerCaller() + "': must be at least 1");
        }
    }

    private static void rateLimit(BrokerConfig.RateLimit rl, Map<String, BrokerConfig.RoleConfig> roles) {
        perSecond("broker.rate-limit.per-caller", rl.perCaller());
        rl.callers().forEach((identity, limit) -> perSecond("broker.rate-limit.callers.\"" + identity + "\"", limit));
        roles.forEach((name, role) -> role.rateLimit().ifPresent(limit -> perSecond("broker.roles." + name + ".rate-limit", limit)));
        if (rl.maxCallers() < 1) {
            throw invalid("broker.rate-limit.max-callers='" + rl.maxCallers() + "': must be at least 1");
        }
        if (rl.mintsPerCaller() < 1) {
            throw invalid("broker.rate-limit.mints-per-caller='" + rl.mintsPerCaller() + "': must be at least 1");
        }
    }

    private static void perSecond(String property, Integer value) {
        if (value == null || value < 1) {
            throw invalid(property + "='" + value + "': must be a whole number of requests per second, at least 1");
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static IllegalArgumentException invalid(String propertyValueAndWhy) {
        return new IllegalArgumentException("Invalid configuration " + propertyValueAndWhy);
    }
}
