package io.stsbroker.sts.embedded;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.stsbroker.sts.RpcSignature;
import io.stsbroker.sts.RpcTimestamps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The protocol logic of the embedded STS, apart from HTTP: given the method and the decoded
 * parameters of one request, verify it as Alibaba STS does and answer {@code AssumeRole}.
 *
 * <p>Checks run in this order, the first failure answers: required common parameters,
 * {@code SignatureMethod}, {@code SignatureVersion}, {@code Version}, AccessKeyId known, Timestamp
 * format and ±15-minute window (against the injected clock), signature (constant-time), nonce
 * replay, {@code Action}, then the AssumeRole parameters. A nonce is only remembered once the
 * signature is good, so unsigned garbage cannot burn nonces.
 *
 * <p>Thread-safe: one instance serves all event loops.
 */
final class AssumeRoleHandler {

    /** Largest accepted difference between a request's Timestamp and the clock, either way. */
    static final Duration TIMESTAMP_WINDOW = Duration.ofMinutes(15);

    /**
     * Nonces are kept for twice the window: a request stamped 15 minutes ahead stays acceptable for
     * 30 minutes of real time. Past {@link #MAX_NONCES} the store may forget early, which only weakens
     * replay detection in a flood; it never rejects a fresh request.
     */
    static final int MAX_NONCES = 100_000;

    private static final List<String> COMMON = List.of("AccessKeyId", "Signature", "SignatureMethod",
            "SignatureVersion", "SignatureNonce", "Timestamp", "Action", "Version");
    private static final Pattern ROLE_ARN = Pattern.compile("acs:ram::\\d{1,32}:role/[A-Za-z0-9.@_-]{1,64}");
    private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9.@_-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final long MIN_DURATION = 900;
    private static final long MAX_DURATION = 43_200;
    private static final int MAX_POLICY_CHARS = 2048;
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String accessKeyId;
    private final String accessKeySecret;
    private final byte[] tokenKey;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Boolean> nonces = Caffeine.newBuilder()
            .expireAfterWrite(TIMESTAMP_WINDOW.multipliedBy(2))
            .maximumSize(MAX_NONCES)
            .build();

    AssumeRoleHandler(EmbeddedStsKeys keys, Clock clock) {
        this.accessKeyId = keys.accessKeyId();
        this.accessKeySecret = keys.accessKeySecret();
        this.tokenKey = keys.tokenKey();
        this.clock = clock;
    }

    /** Answers one request; {@code params} are the decoded query (and form) parameters. */
    StsReply handle(String httpMethod, Map<String, String> params) {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        Optional<StsError> error = authenticate(httpMethod, params)
                .or(() -> "AssumeRole".equals(params.get("Action")) ? Optional.empty() : Optional.of(StsError.actionNotFound()))
                .or(() -> validateAssumeRole(params));
        return error.map(e -> StsReply.error(requestId, e)).orElseGet(() -> issue(requestId, params));
    }

    private Optional<StsError> authenticate(String httpMethod, Map<String, String> params) {
        for (String name : COMMON) {
            if (isEmpty(params.get(name))) {
                return Optional.of(StsError.missing(name));
            }
        }
        if (!"HMAC-SHA1".equals(params.get("SignatureMethod"))) {
            return Optional.of(StsError.signatureMethod());
        }
        if (!"1.0".equals(params.get("SignatureVersion"))) {
            return Optional.of(StsError.signatureVersion());
        }
        if (!"2015-04-01".equals(params.get("Version"))) {
            return Optional.of(StsError.version());
        }
        if (!accessKeyId.equals(params.get("AccessKeyId"))) {
            return Optional.of(StsError.accessKeyNotFound());
        }
        Optional<Instant> timestamp = RpcTimestamps.parse(params.get("Timestamp"));
        if (timestamp.isEmpty()) {
            return Optional.of(StsError.timestampFormat());
        }
        if (Duration.between(clock.instant(), timestamp.get()).abs().compareTo(TIMESTAMP_WINDOW) > 0) {
            return Optional.of(StsError.timestampExpired());
        }
        String expected = RpcSignature.sign(httpMethod, params, accessKeySecret);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                params.get("Signature").getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(StsError.signatureDoesNotMatch(RpcSignature.stringToSign(httpMethod, params)));
        }
        String nonceKey = params.get("AccessKeyId") + "\n" + params.get("SignatureNonce");
        if (nonces.asMap().putIfAbsent(nonceKey, Boolean.TRUE) != null) {
            return Optional.of(StsError.nonceUsed());
        }
        return Optional.empty();
    }

    private static Optional<StsError> validateAssumeRole(Map<String, String> params) {
        String roleArn = params.get("RoleArn");
        if (isEmpty(roleArn)) {
            return Optional.of(StsError.missing("RoleArn"));
        }
        if (!ROLE_ARN.matcher(roleArn).matches()) {
            return Optional.of(StsError.invalid("RoleArn", "The parameter RoleArn is wrongly formed."));
        }
        String session = params.get("RoleSessionName");
        if (isEmpty(session)) {
            return Optional.of(StsError.missing("RoleSessionName"));
        }
        if (!SESSION_NAME.matcher(session).matches()) {
            return Optional.of(StsError.invalid("RoleSessionName", "The parameter RoleSessionName is wrongly formed."));
        }
        String duration = params.get("DurationSeconds");
        if (!isEmpty(duration) && !isDurationInRange(duration)) {
            return Optional.of(StsError.invalid("DurationSeconds", "The Min/Max value of DurationSeconds is 15min/12hr."));
        }
        String policy = params.get("Policy");
        if (!isEmpty(policy) && !isPolicy(policy)) {
            return Optional.of(StsError.invalid("PolicyGrammar", "The parameter Policy has not passed grammar check."));
        }
        String externalId = params.get("ExternalId");
        if (!isEmpty(externalId) && !EXTERNAL_ID.matcher(externalId).matches()) {
            return Optional.of(StsError.invalid("ExternalId", "The parameter ExternalId is wrongly formed."));
        }
        return Optional.empty();
    }

    private StsReply issue(String requestId, Map<String, String> params) {
        String roleArn = params.get("RoleArn");
        String session = params.get("RoleSessionName");
        String duration = params.get("DurationSeconds");
        long seconds = isEmpty(duration) ? 3600 : Long.parseLong(duration);
        Instant expiration = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds);
        // Shaped like real STS credentials: "STS." + 28 characters, a 44-character secret.
        String issuedKeyId = "STS." + EmbeddedStsKeys.randomAlphanumeric(random, 28);
        String issuedSecret = EmbeddedStsKeys.randomAlphanumeric(random, 44);
        String token = EmbeddedSecurityToken.issue(
                new EmbeddedSecurityToken.Claims(issuedKeyId, expiration, roleArn, session), tokenKey, random);
        String assumedRoleArn = roleArn.replace(":role/", ":assumed-role/") + "/" + session;
        String assumedRoleId = (300_000_000_000_000_000L + Math.floorMod(random.nextLong(), 100_000_000_000_000_000L))
                + ":" + session;
        return StsReply.success(requestId, assumedRoleArn, assumedRoleId, issuedKeyId, issuedSecret, token, expiration);
    }

    private static boolean isDurationInRange(String value) {
        if (!DIGITS.matcher(value).matches()) {
            return false;
        }
        long seconds = Long.parseLong(value);
        return seconds >= MIN_DURATION && seconds <= MAX_DURATION;
    }

    private static boolean isPolicy(String policy) {
        if (policy.length() > MAX_POLICY_CHARS) {
            return false;
        }
        try {
            JsonNode node = STRICT_JSON.readTree(policy);
            return node != null && node.isObject();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
