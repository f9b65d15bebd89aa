package io.stsbroker.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the bearer token from a request and telling a JWT's shape from an opaque API key. */
class BearerTokensTest {

    private static String tokenOf(String authorization) {
        return BearerTokens.from(FakeRequests.from("10.0.0.1", "Authorization", authorization));
    }

    @Test
    void bearerSchemeIsReadWhateverItsCaseAndTheTokenIsStripped() {
        assertThat(tokenOf("Bearer abc")).isEqualTo("abc");
        assertThat(tokenOf("bEaReR abc")).isEqualTo("abc");
        assertThat(tokenOf("Bearer   abc  ")).isEqualTo("abc");
        assertThat(tokenOf("Bearer x")).as("a one-character token").isEqualTo("x");
    }

    @Test
    void noHeaderAnotherSchemeOrAnEmptyTokenIsNoToken() {
        assertThat(BearerTokens.from(FakeRequests.from("10.0.0.1"))).isNull();
        assertThat(tokenOf("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).isNull();
        assertThat(tokenOf("Bearer")).isNull();
        assertThat(tokenOf("Bearer ")).isNull();
        assertThat(tokenOf("Bearer    ")).isNull();
        assertThat(tokenOf("Bearerabc")).as("no space after the scheme").isNull();
        assertThat(tokenOf("XBearer abc")).isNull();
    }

    @Test
    void base64UrlSegmentsAreLettersDigitsDashUnderscoreAndDot() {
        assertThat(BearerTokens.isBase64UrlSegments("azAZ09-_.")).isTrue();
        assertThat(BearerTokens.isBase64UrlSegments("")).isTrue();
        // Every character just outside each accepted range, and base64's own '+', '/' and '='.
        for (String bad : new String[] {"`", "{", "@", "[", "/", ":", "+", "=", " ", "é", ","}) {
            assertThat(BearerTokens.isBase64UrlSegments("abc" + bad)).as("'%s'", bad).isFalse();
            assertThat(BearerTokens.isBase64UrlSegments(bad + "abc")).as("'%s' first", bad).isFalse();
        }
    }

    @Test
    void jwtShapeIsExactlyThreeNonEmptySegments() {
        assertThat(BearerTokens.isJwtShaped("a.b.c")).isTrue();
        assertThat(BearerTokens.isJwtShaped("aa.bb.cc")).isTrue();
        assertThat(BearerTokens.isJwtShaped("abc")).isFalse();
        assertThat(BearerTokens.isJwtShaped(".b.c")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a..c")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a.b.")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a.b")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a.b.c.d")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a.b.c.")).isFalse();
        assertThat(BearerTokens.isJwtShaped("a.bc")).isFalse();
    }
}
