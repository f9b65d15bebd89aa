package io.stsbroker.testsupport;

import io.stsbroker.testsupport.OpenSearchSignatureVerifier.KnownKey;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.SignedRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verifier against the known-answer vectors of docs/PROTOCOLS.md section 6. */
class OpenSearchSignatureVerifierTest {
    private static final String SECRET = "testsecret";
    private static final String DATE = "2026-11-27T12:00:00Z";
    private static final String NONCE = "1700000000000123456";
    private static final String TOKEN = "CAIS+token/with=chars";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final String SEARCH_STRING_TO_SIGN = "GET\n\napplication/json; charset=utf-8\n2026-11-27T12:00:00Z\n"
            + "x-opensearch-nonce:1700000000000123456\nx-opensearch-security-token:CAIS+token/with=chars\n"
            + "/v3/openapi/apps/my_app/search?fetch_fields=id%3Btitle&query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27";
    private static final String BULK_BODY = "[{\"cmd\":\"add\",\"fields\":{\"id\":\"1\",\"title\":\"hello\"}}]";

    private final OpenSearchSignatureVerifier verifier = new OpenSearchSignatureVerifier(
            id -> id.equals("STS.testid") ? Optional.of(new KnownKey(SECRET, TOKEN)) : Optional.empty(),
            Clock.fixed(Instant.parse(DATE), ZoneOffset.UTC), Duration.ofMinutes(15));

    @Test
    void searchVector_stringToSignMatchesTheSdkByteForByte() {
        String actual = OpenSearchSignatureVerifier.stringToSign("GET", "", CONTENT_TYPE, DATE,
                Map.of("X-Opensearch-Security-Token", TOKEN, "X-Opensearch-Nonce", NONCE),
                "/v3/openapi/apps/my_app/search",
                Map.of("query", "config=start:0,hit:10&&query=default:'opensearch'", "fetch_fields", "id;title"));

        assertThat(actual).isEqualTo(SEARCH_STRING_TO_SIGN);
    }

    @Test
    void searchVector_signatureMatchesTheKnownAnswer() {
        assertThat(OpenSearchSignatureVerifier.sign(SECRET, SEARCH_STRING_TO_SIGN)).isEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
    }

    @Test
    void bulkVector_contentMd5AndSignatureMatchTheKnownAnswers() {
        String md5 = OpenSearchSignatureVerifier.md5Hex(BULK_BODY.getBytes(StandardCharsets.UTF_8));
        String stringToSign = OpenSearchSignatureVerifier.stringToSign("POST", md5, CONTENT_TYPE, DATE,
                Map.of("X-Opensearch-Nonce", NONCE, "X-Opensearch-Security-Token", TOKEN),
                "/v3/openapi/apps/my_app/my_table/actions/bulk", Map.of());

        assertThat(md5).isEqualTo("7f5e8da1d3f2ce1f882042b662a522f6");
        assertThat(OpenSearchSignatureVerifier.sign(SECRET, stringToSign)).isEqualTo("tStp8bDxH+Z3AJfP1djX7qqyA6M=");
    }

    @Test
    void verify_acceptsTheSearchVectorAsReceivedOnTheWire() {
        assertThat(verifier.verify(searchRequest("meuQ8ssWDzypZDdNOzgZgEIHshE=", TOKEN)))
                .isEqualTo(new OpenSearchSignatureVerifier.Verdict(true, "STS.testid", "ok"));
    }

    @Test
    void verify_acceptsTheBulkVectorAsReceivedOnTheWire() {
        SignedRequest request = new SignedRequest("POST", "/v3/openapi/apps/my_app/my_table/actions/bulk", null,
                headers("tStp8bDxH+Z3AJfP1djX7qqyA6M=", TOKEN, "7f5e8da1d3f2ce1f882042b662a522f6"),
                BULK_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(verifier.verify(request).valid()).isTrue();
    }

    @Test
    void verify_rejectsATamperedSignature() {
        assertThat(verifier.verify(searchRequest("meuQ8ssWDzypZDdNOzgZgEIHshF=", TOKEN)).reason())
                .isEqualTo("signature does not match");
    }

    @Test
    void verify_rejectsATamperedQuery() {
        SignedRequest original = searchRequest("meuQ8ssWDzypZDdNOzgZgEIHshE=", TOKEN);
        SignedRequest tampered = new SignedRequest("GET", original.rawPath(), "fetch_fields=id%3Bsecret",
                original.headers(), new byte[0]);

        assertThat(verifier.verify(tampered).reason()).isEqualTo("signature does not match");
    }

    @Test
    void verify_rejectsAMissingOrForeignSecurityToken() {
        assertThat(verifier.verify(searchRequest("meuQ8ssWDzypZDdNOzgZgEIHshE=", "other-token")).reason())
                .startsWith("security token");
        assertThat(verifier.verify(searchRequest("meuQ8ssWDzypZDdNOzgZgEIHshE=", null)).reason())
                .startsWith("security token");
    }

    @Test
    void verify_rejectsABodyThatDoesNotMatchContentMd5() {
        SignedRequest request = new SignedRequest("POST", "/v3/openapi/apps/my_app/my_table/actions/bulk", null,
                headers("tStp8bDxH+Z3AJfP1djX7qqyA6M=", TOKEN, "7f5e8da1d3f2ce1f882042b662a522f6"),
                "[]".getBytes(StandardCharsets.UTF_8));

        assertThat(verifier.verify(request).reason()).isEqualTo("Content-Md5 does not match the body");
    }

    @Test
    void verify_rejectsAnUnknownAccessKeyId() {
        Map<String, List<String>> headers = new LinkedHashMap<>(headers("x", TOKEN, ""));
        headers.put("Authorization", List.of("OPENSEARCH STS.nobody:x"));

        assertThat(verifier.verify(new SignedRequest("GET", "/v3/openapi/apps/a/search", null, headers, new byte[0]))
                .reason()).isEqualTo("unknown access key id");
    }

    @Test
    void verify_rejectsADateTooFarFromTheServerClock() {
        Map<String, List<String>> headers = new LinkedHashMap<>(headers("meuQ8ssWDzypZDdNOzgZgEIHshE=", TOKEN, ""));
        headers.put("Date", List.of("2026-11-27T12:20:00Z"));

        assertThat(verifier.verify(new SignedRequest("GET", "/v3/openapi/apps/my_app/search", null, headers, new byte[0]))
                .reason()).startsWith("Date is");
    }

    /** Headers as the JDK HttpServer presents them: only the first letter of a name upper-cased. */
    private static Map<String, List<String>> wireHeaders(String contentMd5) {
        return Map.of(
                "Content-md5", List.of(contentMd5),
                "Content-type", List.of(CONTENT_TYPE),
                "Date", List.of(DATE),
                "X-opensearch-nonce", List.of("1700000000000123456"),
                "X-opensearch-security-token", List.of("CAIS+token/with=chars"),
                "Host", List.of("127.0.0.1:1234"));
    }

    @Test
    void getSearchVector_matchesTheKnownStringToSignAndSignature() {
        String rawQuery = "query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27"
                + "&fetch_fields=id%3Btitle";

        String stringToSign = OpenSearchSignatureVerifier.stringToSign("GET", "/v3/openapi/apps/my_app/search", rawQuery, wireHeaders(""));

        assertThat(stringToSign).isEqualTo("GET\n\napplication/json; charset=utf-8\n2026-11-27T12:00:00Z\n"
                + "x-opensearch-nonce:1700000000000123456\nx-opensearch-security-token:CAIS+token/with=chars\n"
                + "/v3/openapi/apps/my_app/search?fetch_fields=id%3Btitle"
                + "&query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27");
        assertThat(OpenSearchSignatureVerifier.sign(SECRET, stringToSign)).isEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
    }

    @Test
    void postBulkVector_signsOverTheBodyMd5() {
        String stringToSign = OpenSearchSignatureVerifier.stringToSign("POST", "/v3/openapi/apps/my_app/my_table/actions/bulk",
                null, wireHeaders("7f5e8da1d3f2ce1f882042b662a522f6"));

        assertThat(OpenSearchSignatureVerifier.sign(SECRET, stringToSign)).isEqualTo("tStp8bDxH+Z3AJfP1djX7qqyA6M=");
    }

    @Test
    void emptyParametersAreLeftOutAndAnotherSecretGivesAnotherSignature() {
        String withEmpty = OpenSearchSignatureVerifier.stringToSign("GET", "/v3/openapi/apps/my_app/search",
                "fetch_fields=id%3Btitle&empty=&query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27",
                wireHeaders(""));

        assertThat(OpenSearchSignatureVerifier.sign(SECRET, withEmpty)).isEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
        assertThat(OpenSearchSignatureVerifier.sign("another-secret", withEmpty)).isNotEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
    }

    @Test
    void repeatedQueryParameterIsRefused() {
        assertThatThrownBy(() -> OpenSearchSignatureVerifier.stringToSign("GET", "/v3/openapi/apps/a/search", "q=1&q=2", wireHeaders("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'q' is repeated");
    }

    private static SignedRequest searchRequest(String signature, String token) {
        // The query as the SDK puts it on the wire: its own percent-encoding, in its own order.
        String rawQuery = "query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27&fetch_fields=id%3Btitle";
        return new SignedRequest("GET", "/v3/openapi/apps/my_app/search", rawQuery, headers(signature, token, ""), new byte[0]);
    }

    private static Map<String, List<String>> headers(String signature, String token, String contentMd5) {
        // Header names as the JDK HttpServer reports them: first letter upper case, the rest lower case.
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Authorization", List.of("OPENSEARCH STS.testid:" + signature));
        headers.put("Content-type", List.of(CONTENT_TYPE));
        headers.put("Content-md5", List.of(contentMd5));
        headers.put("Date", List.of(DATE));
        headers.put("X-opensearch-nonce", List.of(NONCE));
        if (token != null) {
            headers.put("X-opensearch-security-token", List.of(token));
        }
        return headers;
    }
}
