package io.stsbroker.client.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void parseObjectReadsStringsNumbersLiteralsAndNesting() {
        Map<String, Object> json = Json.parseObject(
                " {\"a\":\"x\",\"n\":-1.5e2,\"t\":true,\"f\":false,\"z\":null,\"o\":{\"k\":[1,\"two\",[]]}} ");

        assertThat(json).containsEntry("a", "x").containsEntry("n", -150.0).containsEntry("t", true)
                .containsEntry("f", false).containsEntry("z", null);
        assertThat(json.get("o")).isEqualTo(Map.of("k", List.of(1.0, "two", List.of())));
    }

    @Test
    void parseObjectDecodesEveryEscape() {
        assertThat(Json.parseObject("{\"s\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u4e2d\"}"))
                .containsEntry("s", "q\" b\\ s/ \b\f\n\r\t é中");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"s\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{'a':1}",
            "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":\"tab\there\"}", "{\"a\":tru}", "{\"a\":1,\"a\":2}",
            "{\"a\":\"\\u12\"}", "{\"a\":-}", "{\"a\":1.}"})
    void parseObjectRejectsAnythingButOneValidObject(String text) {
        assertThatThrownBy(() -> Json.parseObject(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseObjectErrorMessagesNeverQuoteTheInput() {
        assertThatThrownBy(() -> Json.parseObject("{\"accessKeySecret\":\"SuperSecret\" oops}"))
                .hasMessageNotContaining("SuperSecret")
                .hasMessageContaining("offset");
    }

    @Test
    void parseObjectRefusesDeepNesting() {
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";

        assertThatThrownBy(() -> Json.parseObject(deep)).hasMessageContaining("nested too deeply");
    }

    @Test
    void quoteEscapesWhatJsonRequiresAndRoundTrips() {
        String value = "a\"b\\c\nd\u0001e\u2028/é";

        String quoted = Json.quote(value);

        assertThat(quoted).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001e\\u2028/é\"");
        assertThat(Json.parseObject("{\"v\":" + quoted + "}")).containsEntry("v", value);
    }
}
