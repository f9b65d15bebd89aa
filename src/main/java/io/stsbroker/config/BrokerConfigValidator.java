package io.stsbroker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every check on the configuration that needs more than a type, in one place:
 * {@link #validate} throws {@link IllegalArgumentException} for the first bad setting, naming the
 * property and its value, and never the value of a secret (API key digests and the cluster's keys
 * are named, not printed). {@link StartupValidation} runs it before any bean that reads
 * {@code broker.*} is built. One private method per group of the mapping; the class is longer than
 * most on purpose, as every rule is meant to be found here, next to its neighbours.
 *
 * <p><b>Not here</b>, because they need more than the configuration: a role's shape
 * ({@code policy.RoleValidator}, also run on every reload of {@code broker.roles-file}) and the file
 * itself ({@code policy.AccessPolicy}); the JWT keys' content ({@code auth.TrustedKeys}, which reads
 * them); the broker's own
 * Alibaba identity ({@code sts.SigningIdentities}, which reads the environment); the audit file's
 * directory and opening it ({@code audit.AuditHandlers}: the message escapes the path with
 * {@code audit.LogText}, and {@code config} depends on no other package); the injector's CA file's
 * content ({@code api.admission.InjectorSettings}, which reads it for every review).
 */
public final class BrokerConfigValidator {

    /** The most {@code broker.auth.expiry-skew} may be. */
    public static final Duration MAX_EXPIRY_SKEW = Duration.ofMinutes(5);
    /** The most {@code broker.auth.issued-at-skew} may be. */
    public static final Duration MAX_ISSUED_AT_SKEW = Duration.ofMinutes(10);

    /** The bounds of {@code broker.injector.max-body-size}, in bytes. */
    private static final long INJECTOR_MIN_BODY = 16 * 1024;
    private static final long INJECTOR_MAX_BODY = 64L * 1024 * 1024;

    private static final Pattern API_KEY_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final String HTTP_PERMISSIONS = "quarkus.http.auth.permission.";
    static final String JWT_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String JWT_KEY = "mp.jwt.verify.publickey";
    static final String JWT_ISSUER = "mp.jwt.verify.issuer";
    static final String JWT_AUDIENCES = "mp.jwt.verify.audiences";
    static final String OTLP_EXPORTER = "quarkus.otel.exporter.otlp.enabled";
    static final String END_USER_ATTRIBUTES = "quarkus.otel.traces.eusp.enabled";
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
     * @param shutdownTimeout {@code quarkus.shutdown.timeout}, empty when unset (no wait at exit)
     * @param redisHosts     {@code quarkus.redis.hosts}, required in cluster mode
     */
    public record ServerSettings(long maxHeaderBytes, Duration idleTimeout, boolean securityEvents,
                                 Iterable<String> propertyNames, Function<String, Optional<String>> configured,
                                 Optional<Duration> shutdownTimeout, Optional<String> redisHosts) {

        /**
         * Quarkus's defaults (20K header cap, 30 min idle timeout, security events on, no shutdown
         * timeout) and these properties ({@code quarkus.redis.hosts} among them when given).
         */
        public static ServerSettings defaults(Map<String, String> configured) {
            return new ServerSettings(20 * 1024, Duration.ofMinutes(30), true, configured.keySet(),
                    name -> Optional.ofNullable(configured.get(name)).filter(v -> !v.isBlank()),
                    Optional.empty(), Optional.ofNullable(configured.get("quarkus.redis.hosts")));
        }
    }

    private BrokerConfigValidator() {
    }

    /** Throws {@link IllegalArgumentException} naming the first property whose value cannot work. */
    public static void validate(BrokerConfig config, ServerSettings server) {
        http(config, server);
        auth(config.auth(), server);
        jwt(server.configured());
        tracing(server.configured());
        apiKeys(config.apiKeys());
        admin(config.admin());
        if (config.rolesFile().isPresent() && !positive(config.rolesFilePollInterval())) {
            throw invalid("broker.roles-file-poll-interval=" + config.rolesFilePollInterval() + ": must be positive");
        }
        sts(config.sts());
        cache(config.cache());
        rateLimit(config.rateLimit(), config.roles());
        audit(config.audit());
        usage(config.usage());
        cluster(config.cluster(), config.requestTimeout(), server.redisHosts());
        injector(config);
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
        server.shutdownTimeout().filter(t -> t.compareTo(config.requestTimeout()) <= 0).ifPresent(t -> {
            // A request waiting on STS may take broker.request-timeout: it would be cut off at exit.
            throw invalid("quarkus.shutdown.timeout=" + t
                    + ": must be longer than broker.request-timeout (" + config.requestTimeout() + ")");
        });
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

    /**
     * Tracing is on exactly when an OTLP endpoint is set ({@link TracingSwitch}); these are the settings
     * that would make it connect nowhere useful or export what spans must not carry.
     */
    private static void tracing(Function<String, Optional<String>> configured) {
        Optional<String> endpoint = Optional.empty();
        for (String name : TracingSwitch.ENDPOINTS) {
            Optional<String> value = configured.apply(name);
            if (value.isPresent() && !httpUrl(value.get())) {
                throw invalid(name + "=" + value.get() + ": the OTLP collector must be an http:// or https:// URL with a host");
            }
            endpoint = endpoint.or(() -> value);
        }
        boolean forcedOn = configured.apply(TracingSwitch.SDK_DISABLED).filter("false"::equalsIgnoreCase).isPresent();
        boolean otlpExporter = configured.apply(OTLP_EXPORTER).filter("false"::equalsIgnoreCase).isEmpty();
        if (forcedOn && endpoint.isEmpty() && otlpExporter) {
            // Quarkus would export to its default, localhost:4317, and log an error for every batch.
            throw invalid(TracingSwitch.SDK_DISABLED + "=false: tracing needs " + TracingSwitch.ENDPOINTS.get(1)
                    + " (or " + TracingSwitch.ENDPOINTS.get(0) + "); setting the endpoint alone switches tracing on");
        }
        configured.apply(END_USER_ATTRIBUTES).filter("true"::equalsIgnoreCase).ifPresent(v -> {
            throw invalid(END_USER_ATTRIBUTES + "=" + v + ": it would put caller identities and roles into every span;"
                    + " spans leave the broker for a trace backend, and who called is in the audit record (joined by request id)");
        });
    }

    private static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value.strip());
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
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
        if (sts.provider() == BrokerConfig.Provider.alibaba) {
            endpoint(sts.endpoint());
        }
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

    /**
     * The AssumeRole response carries AccessKeySecret and SecurityToken: plain HTTP only where the
     * bytes never leave the host. A name other than {@code localhost} is never resolved here.
     */
    private static void endpoint(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint.trim());
        } catch (URISyntaxException e) {
            return; // sts.StsEndpoint refuses it, naming it
        }
        if ("http".equalsIgnoreCase(uri.getScheme()) && !loopback(uri.getHost())) {
            throw invalid("broker.sts.endpoint=" + endpoint + ": plain http is accepted only on the loopback"
                    + " (127.0.0.0/8, ::1, localhost), as the response carries AccessKeySecret and SecurityToken;"
                    + " use https");
        }
    }

    /** 127.0.0.0/8, ::1 (or its IPv4-mapped form) or localhost, from the URI's host alone. */
    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        var v4 = LOOPBACK_V4.matcher(h);
        if (v4.matches()) {
            for (int i = 1; i <= 3; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (h.indexOf(':') < 0) {
            return false;
        }
        try {
            // An IPv6 literal: parsed, never looked up.
            return java.net.InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
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

    private static void audit(BrokerConfig.Audit audit) {
        if (audit.file().isEmpty()) {
            return;
        }
        long maxSize = audit.fileMaxSize().asLongValue();
        if (maxSize < 1024) {
            throw invalid("broker.audit.file-max-size=" + maxSize + ": must be at least 1K (one audit record must fit)");
        }
        if (audit.fileBackups() < 1) {
            throw invalid("broker.audit.file-backups=" + audit.fileBackups()
                    + ": must be at least 1 (with none, rotation would drop the records just written)");
        }
    }

    private static void usage(BrokerConfig.Usage usage) {
        Duration window = usage.window();
        if (window.toSeconds() % 60 != 0 || window.toMinutes() < 1 || window.toMinutes() > 1440) {
            throw invalid("broker.usage.window=" + window + ": must be whole minutes from 1m to 24h");
        }
        if (usage.maxCallers() < 1) {
            throw invalid("broker.usage.max-callers=" + usage.maxCallers() + ": must be at least 1");
        }
    }

    /** Keys are decoded to be checked; their values are never part of a message. */
    private static void cluster(BrokerConfig.Cluster c, Duration requestTimeout, Optional<String> redisHosts) {
        if (!c.enabled()) {
            return;
        }
        if (redisHosts.isEmpty() || redisHosts.get().isBlank()) {
            throw invalid("quarkus.redis.hosts: required when broker.cluster.enabled=true (for example redis://redis:6379)");
        }
        byte[] key = aesKey("broker.cluster.encryption-key", c.encryptionKey());
        List<byte[]> previous = new ArrayList<>();
        for (String p : c.previousEncryptionKeys().orElse(List.of())) {
            byte[] k = aesKey("broker.cluster.previous-encryption-keys", Optional.of(p));
            if (Arrays.equals(k, key)) {
                throw invalid("broker.cluster.previous-encryption-keys: holds the current broker.cluster.encryption-key;"
                        + " list only keys replaced by it");
            }
            previous.add(k);
        }
        byte[] secret = base64("broker.cluster.key-secret", c.keySecret(), "base64 of at least 32 random bytes");
        if (secret.length < 32) {
            throw invalid("broker.cluster.key-secret: decodes to " + secret.length + " bytes, must be at least 32");
        }
        if (Arrays.equals(secret, key) || previous.stream().anyMatch(p -> Arrays.equals(p, secret))) {
            throw invalid("broker.cluster.key-secret: must differ from the encryption keys (it is not rotated with them)");
        }
        if (c.keyPrefix().isBlank()) {
            throw invalid("broker.cluster.key-prefix='': must not be blank");
        }
        if (c.maxCallsPerSecond() < 1) {
            throw invalid("broker.cluster.max-calls-per-second='" + c.maxCallsPerSecond() + "': must be at least 1");
        }
        if (c.maxReplicas() < 1) {
            throw invalid("broker.cluster.max-replicas='" + c.maxReplicas() + "': must be at least 1");
        }
        if (c.lockTtl().compareTo(requestTimeout) <= 0) {
            throw invalid("broker.cluster.lock-ttl='" + c.lockTtl() + "': must exceed broker.request-timeout ("
                    + requestTimeout + "), or a slow mint loses its lock");
        }
        if (!positive(c.syncInterval())) {
            throw invalid("broker.cluster.sync-interval='" + c.syncInterval() + "': must be positive");
        }
        if (!positive(c.commandTimeout())) {
            throw invalid("broker.cluster.command-timeout='" + c.commandTimeout() + "': must be positive");
        }
    }

    private static byte[] aesKey(String property, Optional<String> value) {
        byte[] k = base64(property, value, "a base64 AES-256 key (32 bytes, e.g. `openssl rand -base64 32`)");
        if (k.length != 32) {
            throw invalid(property + ": decodes to " + k.length + " bytes, must be 32 (AES-256)");
        }
        return k;
    }

    private static byte[] base64(String property, Optional<String> value, String expected) {
        if (value.isEmpty() || value.get().isBlank()) {
            throw invalid(property + ": required when broker.cluster.enabled=true (" + expected + ")");
        }
        try {
            return Base64.getDecoder().decode(value.get().trim());
        } catch (IllegalArgumentException e) {
            // The value is a secret: the message names the property only.
            throw invalid(property + ": not valid base64 (" + expected + ")");
        }
    }

    /** {@code broker.injector.*}, and the injector-only mode's promise: no STS identity and no API keys. */
    private static void injector(BrokerConfig config) {
        BrokerConfig.Injector in = config.injector();
        boolean none = config.sts().provider() == BrokerConfig.Provider.none;
        if (in.only() && !in.enabled()) {
            throw invalid("broker.injector.only=true: it requires broker.injector.enabled=true");
        }
        if (in.only() && !none) {
            throw invalid("broker.sts.provider=" + config.sts().provider()
                    + ": broker.injector.only=true holds no STS identity; set broker.sts.provider=none");
        }
        if (none && !in.only()) {
            throw invalid("broker.sts.provider=none: there is no STS then, which only broker.injector.only=true allows");
        }
        if (in.only() && !config.apiKeys().isEmpty()) {
            // Named by count: the digests are not printed.
            throw invalid("broker.api-keys (" + config.apiKeys().size() + " name(s)): broker.injector.only=true"
                    + " holds no API keys; remove them");
        }
        if (!in.enabled()) {
            return;
        }
        if (in.maxBodySize() < INJECTOR_MIN_BODY || in.maxBodySize() > INJECTOR_MAX_BODY) {
            throw invalid("broker.injector.max-body-size=" + in.maxBodySize() + ": must be from "
                    + INJECTOR_MIN_BODY + " to " + INJECTOR_MAX_BODY + " bytes");
        }
        if (in.sidecarPort() < 1024 || in.sidecarPort() > 65535) {
            throw invalid("broker.injector.sidecar-port=" + in.sidecarPort() + ": must be from 1024 to 65535");
        }
        if (in.sidecarImage().filter(s -> !s.isBlank() && s.strip().equals(s)).isEmpty()) {
            throw invalid("broker.injector.sidecar-image=" + in.sidecarImage().orElse("")
                    + ": required when broker.injector.enabled=true (the image injected as the sidecar)");
        }
        String url = in.brokerUrl().orElse("");
        if (!httpUrlWithHost(url)) {
            throw invalid("broker.injector.broker-url=" + url
                    + ": required when broker.injector.enabled=true, an http(s) URL with a host (what the sidecar calls)");
        }
    }

    private static boolean httpUrlWithHost(String url) {
        try {
            URI u = new URI(url);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
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
