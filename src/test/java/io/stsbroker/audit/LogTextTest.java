package io.stsbroker.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

    @Test
    void plainTextIsReturnedAsItIs() {
        String plain = "system:serviceaccount:search:indexer";
        assertThat(LogText.escape(plain)).isSameAs(plain);
    }

    @Test
    void lineBreaksSeparatorsAndAnsiEscapesBecomeVisibleEscapes() {
        String hostile = "alice\n2026 INFO [br.audit]\r\u2028\u2029\u001b[31mred\u0085\u202e";
        String escaped = LogText.escape(hostile);
        assertThat(escaped)
                .doesNotContain("\n", "\r", "\u2028", "\u2029", "\u001b", "\u0085", "\u202e")
                .contains("\\u000A", "\\u000D", "\\u2028", "\\u2029", "\\u001B", "\\u0085", "\\u202E");
        assertThat(escaped.chars().noneMatch(Character::isISOControl)).isTrue();
    }

    @Test
    void aBackslashIsEscapedSoAnEscapeCannotBeFaked() {
        assertThat(LogText.escape("a\\u000Ab")).isEqualTo("a\\u005Cu000Ab");
    }

    @Test
    void longValuesAreCut() {
        String escaped = LogText.escape("x".repeat(10_000));
        assertThat(escaped).hasSize(LogText.MAX_CHARS + 1).endsWith("…");
        assertThat(LogText.escape("\n".repeat(10_000)).length()).isLessThanOrEqualTo(LogText.MAX_CHARS + 7);
    }

    @Test
    void nullIsWrittenAsNull() {
        assertThat(LogText.escape(null)).isEqualTo("null");
    }
}
