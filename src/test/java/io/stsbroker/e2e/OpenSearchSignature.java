package io.stsbroker.e2e;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenSearch SDK 5.x request signature as a server recomputes it (docs/PROTOCOLS.md section 3):
 * <pre>
 * stringToSign = METHOD\n Content-Md5\n Content-Type\n Date\n
 *              + each non-empty X-Opensearch-* header sorted by name: lower(name) ":" value \n
 *              + percentEncode(path) with %2F back to "/" [+ "?" + sorted non-empty k=v, percent-encoded, joined by "&amp;"]
 * signature    = Base64(HMAC-SHA1(key = AccessKeySecret, stringToSign))      (no "&amp;" after the key)
 * </pre>
 * Checked against the known-answer vectors of docs/PROTOCOLS.md section 6 in {@code OpenSearchSignatureTest}.
 */
final class OpenSearchSignature {

    private OpenSearchSignature() {
    }

    /**
     * The string to sign of a request as received: {@code rawPath} and {@code rawQuery} still
     * percent-encoded (they are decoded and re-encoded the SDK's way), {@code headers} by name.
     *
     * @throws IllegalArgumentException if the query repeats a parameter or has a broken escape
     */
    static String stringToSign(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        StringBuilder out = new StringBuilder()
                .append(method.toUpperCase(Locale.ROOT)).append('\n')
                .append(header(headers, "Content-Md5")).append('\n')
                .append(header(headers, "Content-Type")).append('\n')
                .append(header(headers, "Date")).append('\n');
        TreeMap<String, String> openSearchHeaders = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-opensearch-") && !values.isEmpty() && !values.get(0).isEmpty()) {
                openSearchHeaders.put(lower, values.get(0));
            }
        });
        openSearchHeaders.forEach((name, value) -> out.append(name).append(':').append(value).append('\n'));
        out.append(percentEncode(percentDecode(rawPath)).replace("%2F", "/"));
        StringBuilder pairs = new StringBuilder();
        parseQuery(rawQuery).forEach((name, value) -> {
            if (!value.isEmpty()) {
                pairs.append(pairs.length() == 0 ? "" : "&")
                        .append(percentEncode(name)).append('=').append(percentEncode(value));
            }
        });
        if (pairs.length() > 0) {
            out.append('?').append(pairs);
        }
        return out.toString();
    }

    /** Base64(HMAC-SHA1(secret, stringToSign)). */
    static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is mandatory on every Java platform", e);
        }
    }

    /** The first value of a header, by case-insensitive name, or "" when absent. */
    static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst().orElse("");
    }

    /** URLEncoder, then {@code +}→%20, {@code *}→%2A, %7E→{@code ~}: the SDK's RFC 3986 encoding. */
    static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static TreeMap<String, String> parseQuery(String rawQuery) {
        TreeMap<String, String> query = new TreeMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            if (query.put(name, eq < 0 ? "" : percentDecode(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("query parameter '" + name + "' is repeated");
            }
        }
        return query;
    }

    /** Strict RFC 3986 decoding: {@code +} stays {@code +}, because the SDK encodes a space as %20. */
    private static String percentDecode(String raw) {
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
}
