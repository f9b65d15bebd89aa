package io.stsbroker.sts;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RpcSignatureTest {

    /** The parameters of the known-answer vectors in docs/PROTOCOLS.md section 6. */
    private static Map<String, String> vectorParams() {
        Map<String, String> p = new HashMap<>();
        p.put("AccessKeyId", "testid");
        p.put("Action", "AssumeRole");
        p.put("DurationSeconds", "3600");
        p.put("Format", "JSON");
        p.put("RoleArn", "acs:ram::1234567890123456:role/search-reader");
        p.put("RoleSessionName", "search.indexer");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
        p.put("SignatureVersion", "1.0");
        p.put("Timestamp", "2026-11-27T12:00:00Z");
        p.put("Version", "2015-04-01");
        return p;
    }

    @Test
    void postVectorMatchesKnownAnswer() {
        assertThat(RpcSignature.sign("POST", vectorParams(), "testsecret")).isEqualTo("iFh0oyA4NJi0roihB8qxlDnhbZw=");
    }

    @Test
    void getVectorMatchesKnownAnswer() {
        assertThat(RpcSignature.sign("GET", vectorParams(), "testsecret")).isEqualTo("fT70vEy8ZvvBoEs6X9DAr9n8kmE=");
    }

    @Test
    void postVectorWithPolicyAndSecurityTokenMatchesKnownAnswer() {
        Map<String, String> p = vectorParams();
        p.put("Policy", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"opensearch:Search*\",\"Resource\":\"*\"}]}");
        p.put("SecurityToken", "CAIS+token/with=chars*~");
        assertThat(RpcSignature.sign("POST", p, "testsecret")).isEqualTo("G0IqZaydghL1wpw68e/qQjLxp00=");
    }

    @Test
    void signatureParameterAndEmptyValuesAreNotSigned() {
        Map<String, String> p = vectorParams();
        p.put("Signature", "anything");
        p.put("Policy", "");
        assertThat(RpcSignature.sign("POST", p, "testsecret")).isEqualTo("iFh0oyA4NJi0roihB8qxlDnhbZw=");
    }

    @Test
    void lowerCaseMethodSignsLikeUpperCase() {
        assertThat(RpcSignature.sign("post", vectorParams(), "testsecret")).isEqualTo("iFh0oyA4NJi0roihB8qxlDnhbZw=");
    }

    @Test
    void percentEncodeKeepsOnlyUnreservedCharacters() {
        assertThat(RpcSignature.percentEncode("aZ09-_.~")).isEqualTo("aZ09-_.~");
        assertThat(RpcSignature.percentEncode("a b*c+d/e=f:g")).isEqualTo("a%20b%2Ac%2Bd%2Fe%3Df%3Ag");
        assertThat(RpcSignature.percentEncode("é€😀")).isEqualTo("%C3%A9%E2%82%AC%F0%9F%98%80");
    }

    @Test
    void canonicalQueryIsSortedEncodedAndUsableAsAUrlQuery() {
        Map<String, String> p = Map.of("b", "x y", "a", "1", "Signature", "s", "c", "");
        assertThat(RpcSignature.canonicalQuery(p)).isEqualTo("a=1&b=x%20y");
    }

    @Test
    void signatureEqualsTheOfficialSdkSignatureOnRandomParameters() throws Exception {
        long seed = io.stsbroker.testing.Seeds.of("RpcSignatureTest");
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            Map<String, String> params = randomParams(random);
            String secret = randomString(random, 1 + random.nextInt(40));
            String method = random.nextBoolean() ? "POST" : "GET";
            String sdk = com.aliyun.openapiutil.Client.getRPCSignature(params, method, secret);
            assertThat(RpcSignature.sign(method, params, secret))
                    .as("seed %d, iteration %d, params %s", seed, i, params)
                    .isEqualTo(sdk);
        }
    }

    private static Map<String, String> randomParams(Random random) {
        Map<String, String> params = new HashMap<>(vectorParams());
        params.put("SignatureNonce", randomString(random, 32));
        int extra = random.nextInt(8);
        for (int j = 0; j < extra; j++) {
            String value = random.nextInt(6) == 0 ? "" : randomString(random, random.nextInt(200));
            params.put(randomString(random, 1 + random.nextInt(12)), value);
        }
        return params;
    }

    private static final List<String> ALPHABETS = List.of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
            "éüß€中文🙂\t\n");

    private static String randomString(Random random, int length) {
        StringBuilder out = new StringBuilder();
        while (out.length() < length) {
            String alphabet = ALPHABETS.get(random.nextInt(ALPHABETS.size()));
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
            out.appendCodePoint(cp);
        }
        return out.toString();
    }
}
