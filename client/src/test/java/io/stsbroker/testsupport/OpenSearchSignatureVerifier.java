package io.stsbroker.testsupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Checks the signature an OpenSearch SDK 5.x client puts on a request
 * ({@code Authorization: OPENSEARCH <AccessKeyId>:<signature>}) and its
 * {@code X-Opensearch-Security-Token}, as an OpenSearch server would.
 *
 * <p>String to sign (docs/PROTOCOLS.md section 3): {@code METHOD\n Content-Md5\n Content-Type\n Date\n},
 * then each non-empty {@code X-Opensearch-*} header sorted by name as {@code lower(name):value\n},
 * then the percent-encoded path with {@code %2F} restored to {@code /}, plus {@code ?} and the
 * non-empty query parameters sorted by name, percent-encoded, joined by {@code &}. Signature:
 * Base64(HMAC-SHA1(AccessKeySecret, stringToSign)). Checked against the known-answer vectors of
 * docs/PROTOCOLS.md section 6 (computed by the official SDK) in {@code OpenSearchSignatureVerifierTest};
 * the broker's end-to-end tests use it in their OpenSearch API double.
 */
public final class OpenSearchSignatureVerifier {

    /** A request as a server received it: raw (still percent-encoded) path and query, headers, body. */
    public record SignedRequest(String method, String rawPath, String rawQuery,
                                Map<String, List<String>> headers, byte[] body) {

        public Optional<String> header(String name) {
            return OpenSearchSignatureVerifier.header(headers, name);
        }
    }

    /** What the server knows about an access key id; {@code securityToken} is null for long-term keys. */
    public record KnownKey(String secret, String securityToken) {
    }

    /** The outcome; {@code reason} says what was wrong when {@code valid} is false. */
    public record Verdict(boolean valid, String accessKeyId, String reason) {
        static Verdict ok(String accessKeyId) {
            return new Verdict(true, accessKeyId, "ok");
        }

        static Verdict fail(String accessKeyId, String reason) {
            return new Verdict(false, accessKeyId, reason);
        }
    }

    private final Function<String, Optional<KnownKey>> keys;
    private final Clock clock;
    private final Duration maxSkew;

    /**
     * @param keys    looks up what the server knows for an access key id
     * @param clock   the server's clock, to check the {@code Date} header
     * @param maxSkew how far {@code Date} may be from the clock
     */
    public OpenSearchSignatureVerifier(Function<String, Optional<KnownKey>> keys, Clock clock, Duration maxSkew) {
        this.keys = keys;
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    public Verdict verify(SignedRequest request) {
        String authorization = request.header("Authorization").orElse("");
        if (!authorization.startsWith("OPENSEARCH ") || authorization.indexOf(':') < 0) {
            return Verdict.fail(null, "Authorization is not 'OPENSEARCH <id>:<signature>'");
        }
        String credential = authorization.substring("OPENSEARCH ".length());
        String accessKeyId = credential.substring(0, credential.lastIndexOf(':'));
        String signature = credential.substring(credential.lastIndexOf(':') + 1);
        Optional<KnownKey> key = keys.apply(accessKeyId);
        if (key.isEmpty()) {
            return Verdict.fail(accessKeyId, "unknown access key id");
        }
        String token = request.header("X-Opensearch-Security-Token").orElse(null);
        if (key.get().securityToken() != null && !constantTimeEquals(key.get().securityToken(), token)) {
            return Verdict.fail(accessKeyId, "security token missing or not the one issued with this key");
        }
        String contentMd5 = request.header("Content-Md5").orElse("");
        if (request.body().length > 0 && !contentMd5.equals(md5Hex(request.body()))) {
            return Verdict.fail(accessKeyId, "Content-Md5 does not match the body");
        }
        String date = request.header("Date").orElse("");
        try {
            Duration skew = Duration.between(Instant.parse(date), clock.instant()).abs();
            if (skew.compareTo(maxSkew) > 0) {
                return Verdict.fail(accessKeyId, "Date is " + skew + " away from the server clock");
            }
        } catch (DateTimeParseException e) {
            return Verdict.fail(accessKeyId, "Date is not yyyy-MM-dd'T'HH:mm:ss'Z'");
        }
        String stringToSign;
        try {
            stringToSign = stringToSign(request.method(), request.rawPath(), request.rawQuery(), request.headers());
        } catch (IllegalArgumentException e) {
            return Verdict.fail(accessKeyId, "bad query: " + e.getMessage());
        }
        String expected = sign(key.get().secret(), stringToSign);
        return constantTimeEquals(expected, signature)
                ? Verdict.ok(accessKeyId)
                : Verdict.fail(accessKeyId, "signature does not match");
    }

    /**
     * The string to sign of a request as a server received it: {@code rawPath} and {@code rawQuery}
     * still percent-encoded (they are decoded and re-encoded the SDK's way), {@code headers} by name
     * in any case.
     *
     * @throws IllegalArgumentException if the query repeats a parameter or has a broken escape
     */
    public static String stringToSign(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        return stringToSign(method, header(headers, "Content-Md5").orElse(""), header(headers, "Content-Type").orElse(""),
                header(headers, "Date").orElse(""), openSearchHeaders(headers), percentDecode(rawPath), parseQuery(rawQuery));
    }

    /** The first value of a header, by case-insensitive name. */
    public static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }

    /** The string the SDK signs, from decoded values. */
    public static String stringToSign(String method, String contentMd5, String contentType, String date,
                                      Map<String, String> openSearchHeaders, String path, Map<String, String> query) {
        StringBuilder out = new StringBuilder()
                .append(method.toUpperCase(Locale.ROOT)).append('\n')
                .append(contentMd5).append('\n')
                .append(contentType).append('\n')
                .append(date).append('\n');
        TreeMap<String, String> headers = new TreeMap<>();
        openSearchHeaders.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        headers.forEach((name, value) -> out.append(name).append(':').append(value).append('\n'));
        out.append(percentEncode(path).replace("%2F", "/"));
        StringBuilder pairs = new StringBuilder();
        new TreeMap<>(query).forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                pairs.append(pairs.length() == 0 ? "" : "&").append(percentEncode(name)).append('=').append(percentEncode(value));
            }
        });
        if (pairs.length() > 0) {
            out.append('?').append(pairs);
        }
        return out.toString();
    }

    /** Base64(HMAC-SHA1(secret, stringToSign)); unlike STS signatures, no {@code &} is appended to the key. */
    public static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case hex MD5, the form the SDK sends in {@code Content-Md5}. */
    public static String md5Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3986 encoding as the SDK does it: URLEncoder, then {@code +}->%20, {@code *}->%2A, %7E->{@code ~}. */
    static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static Map<String, String> openSearchHeaders(Map<String, List<String>> headers) {
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-opensearch-") && !values.isEmpty()) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new TreeMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            if (query.put(name, value) != null) {
                throw new IllegalArgumentException("query parameter '" + name + "' is repeated");
            }
        }
        return query;
    }

    /** Strict RFC 3986 decoding: {@code +} stays {@code +}, because the SDK always encodes a space as %20. */
    static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
