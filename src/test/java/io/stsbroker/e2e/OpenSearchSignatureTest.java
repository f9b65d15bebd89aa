package io.stsbroker.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenSearch test double's signature code against the known-answer vectors of docs/PROTOCOLS.md
 * section 6 (computed by the official SDK): if these fail, the double proves nothing.
 */
class OpenSearchSignatureTest {

    private static final String SECRET = "testsecret";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";

    /** Headers as the JDK HttpServer presents them: only the first letter of a name upper-cased. */
    private static Map<String, List<String>> headers(String contentMd5) {
        return Map.of(
                "Content-md5", List.of(contentMd5),
                "Content-type", List.of(CONTENT_TYPE),
                "Date", List.of("2026-11-27T12:00:00Z"),
                "X-opensearch-nonce", List.of("1700000000000123456"),
                "X-opensearch-security-token", List.of("CAIS+token/with=chars"),
                "Host", List.of("127.0.0.1:1234"));
    }

    @Test
    void getSearchVector_matchesTheKnownStringToSignAndSignature() {
        String rawQuery = "query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27"
                + "&fetch_fields=id%3Btitle";

        String stringToSign = OpenSearchSignature.stringToSign("GET", "/v3/openapi/apps/my_app/search", rawQuery, headers(""));

        assertThat(stringToSign).isEqualTo("GET\n\napplication/json; charset=utf-8\n2026-11-27T12:00:00Z\n"
                + "x-opensearch-nonce:1700000000000123456\nx-opensearch-security-token:CAIS+token/with=chars\n"
                + "/v3/openapi/apps/my_app/search?fetch_fields=id%3Btitle"
                + "&query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27");
        assertThat(OpenSearchSignature.sign(SECRET, stringToSign)).isEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
    }

    @Test
    void postBulkVector_signsOverTheBodyMd5() {
        String stringToSign = OpenSearchSignature.stringToSign("POST", "/v3/openapi/apps/my_app/my_table/actions/bulk",
                null, headers("7f5e8da1d3f2ce1f882042b662a522f6"));

        assertThat(OpenSearchSignature.sign(SECRET, stringToSign)).isEqualTo("tStp8bDxH+Z3AJfP1djX7qqyA6M=");
    }

    @Test
    void emptyParametersAreLeftOutAndAnotherSecretGivesAnotherSignature() {
        String withEmpty = OpenSearchSignature.stringToSign("GET", "/v3/openapi/apps/my_app/search",
                "fetch_fields=id%3Btitle&empty=&query=config%3Dstart%3A0%2Chit%3A10%26%26query%3Ddefault%3A%27opensearch%27",
                headers(""));

        assertThat(OpenSearchSignature.sign(SECRET, withEmpty)).isEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
        assertThat(OpenSearchSignature.sign("another-secret", withEmpty)).isNotEqualTo("meuQ8ssWDzypZDdNOzgZgEIHshE=");
    }

    @Test
    void repeatedQueryParameterIsRefused() {
        assertThatThrownBy(() -> OpenSearchSignature.stringToSign("GET", "/v3/openapi/apps/a/search", "q=1&q=2", headers("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'q' is repeated");
    }
}
