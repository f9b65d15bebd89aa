package io.stsbroker.sts;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Alibaba Cloud RPC signature version 1 ({@code SignatureMethod=HMAC-SHA1},
 * {@code SignatureVersion=1.0}), the scheme STS {@code 2015-04-01} verifies. Used both to sign the
 * broker's own requests and, in the embedded STS, to verify its callers, so the two can never
 * drift apart.
 *
 * <pre>
 * canonical    = params without Signature, empty values dropped, sorted by key,
 *                percentEncode(k) + "=" + percentEncode(v), joined with "&amp;"
 * stringToSign = METHOD + "&amp;" + percentEncode("/") + "&amp;" + percentEncode(canonical)
 * Signature    = Base64(HMAC-SHA1(key = AccessKeySecret + "&amp;", stringToSign))
 * </pre>
 *
 * <p><b>Note:</b> keys are sorted by {@link String#compareTo} (UTF-16 code units), as the official
 * SDK does; all real parameter names are ASCII, where this is plain byte order.
 */
public final class RpcSignature {

    /** The parameter that carries the signature; never part of what is signed. */
    public static final String SIGNATURE = "Signature";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RpcSignature() {
    }

    /**
     * RFC 3986 percent-encoding of the UTF-8 bytes: only {@code A-Z a-z 0-9 - _ . ~} stay as they are,
     * everything else becomes {@code %XX} (upper-case hex). This is exactly what the SDK's
     * {@code URLEncoder.encode} followed by {@code "+"->"%20", "*"->"%2A", "%7E"->"~"} yields, computed
     * in one pass. Unpaired surrogates encode as {@code ?} ({@code %3F}), as with {@code URLEncoder}.
     */
    public static String percentEncode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0F]);
            }
        }
        return out.toString();
    }

    /**
     * The canonicalized query: every parameter except {@code Signature} whose value is non-empty,
     * sorted by name, each as {@code percentEncode(name)=percentEncode(value)}, joined by {@code &}.
     * The result is also a valid, fully encoded URL query string.
     */
    public static String canonicalQuery(Map<String, String> params) {
        StringBuilder out = new StringBuilder(512);
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            String value = e.getValue();
            if (SIGNATURE.equals(e.getKey()) || value == null || value.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(percentEncode(e.getKey())).append('=').append(percentEncode(value));
        }
        return out.toString();
    }

    /** {@code METHOD&%2F&percentEncode(canonicalQuery(params))}; the method is upper-cased. */
    public static String stringToSign(String httpMethod, Map<String, String> params) {
        Objects.requireNonNull(httpMethod, "httpMethod");
        return httpMethod.toUpperCase(java.util.Locale.ROOT) + "&" + percentEncode("/") + "&"
                + percentEncode(canonicalQuery(params));
    }

    /**
     * The {@code Signature} value for {@code params} sent with {@code httpMethod}, signed with
     * {@code accessKeySecret} (the {@code "&"} suffix of the HMAC key is added here).
     */
    public static String sign(String httpMethod, Map<String, String> params, String accessKeySecret) {
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        byte[] key = (accessKeySecret + "&").getBytes(StandardCharsets.UTF_8);
        byte[] data = stringToSign(httpMethod, params).getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            // HmacSHA1 is mandatory in every Java platform; reaching this means a broken JVM.
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }
}
