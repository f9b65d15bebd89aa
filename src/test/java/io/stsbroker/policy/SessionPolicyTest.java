package io.stsbroker.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class SessionPolicyTest {

    @Test
    void whitespaceAndKeyOrderDoNotChangeTheCanonicalText() {
        assertThat(SessionPolicy.canonical("{ \"a\" : 1 }")).isEqualTo(SessionPolicy.canonical("{\"a\":1}"))
                .isEqualTo("{\"a\":1}");
        String written = """
                {
                  "Version": "1",
                  "Statement": [ { "Resource": "*", "Effect": "Allow", "Action": [ "oss:Get*", "oss:List*" ] } ]
                }""";
        assertThat(SessionPolicy.canonical(written)).isEqualTo(
                "{\"Statement\":[{\"Action\":[\"oss:Get*\",\"oss:List*\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"1\"}");
    }

    @Test
    void arrayOrderIsKeptAndNumbersLoseOnlyTrailingZeros() {
        assertThat(SessionPolicy.canonical("{\"b\":[3,1,2],\"a\":1.50,\"c\":15e-1,\"d\":12345678901234567890.1}"))
                .isEqualTo("{\"a\":1.5,\"b\":[3,1,2],\"c\":1.5,\"d\":12345678901234567890.1}");
    }

    @Test
    void escapesAreWrittenOneWay() {
        assertThat(SessionPolicy.canonical("{\"a\":\"\\u00e9\\/x\"}")).isEqualTo(SessionPolicy.canonical("{\"a\":\"é/x\"}"))
                .isEqualTo("{\"a\":\"é/x\"}");
    }

    @Test
    void canonicalTextIsAFixedPoint() {
        String once = SessionPolicy.canonical("{\"z\":{\"y\":null,\"x\":[true,false]},\"a\":\"\\n\"}");
        assertThat(SessionPolicy.canonical(once)).isEqualTo(once);
    }

    @Test
    void duplicateKeysTrailingDataAndNonObjectsAreRefusedWithoutQuotingThePolicy() {
        for (String bad : new String[] {"{\"a\":1,\"a\":2}", "{\"a\":1} {\"b\":2}", "[1]", "\"secret-looking\"", "",
                "  ", "{\"a\":NaN}", "{\"a\":1"}) {
            assertThat(catchThrowable(() -> SessionPolicy.canonical(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(t -> assertThat(t.getMessage()).doesNotContain("secret-looking").startsWith("a session policy"));
        }
    }

    @Test
    void theLimitAppliesAsGivenAndOnceCanonical() {
        String atLimit = "{\"a\":\"" + "x".repeat(SessionPolicy.MAX_CHARS - 8) + "\"}";
        assertThat(atLimit).hasSize(SessionPolicy.MAX_CHARS);
        assertThat(SessionPolicy.canonical(atLimit)).isEqualTo(atLimit);
        assertThat(catchThrowable(() -> SessionPolicy.canonical(" " + atLimit))).hasMessageContaining("2048");
        // Short as written, 3001 digits once written plain.
        assertThat(catchThrowable(() -> SessionPolicy.canonical("{\"a\":1.5e3000}"))).hasMessageContaining("2048");
    }
}
