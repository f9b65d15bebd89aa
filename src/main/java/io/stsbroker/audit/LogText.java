package io.stsbroker.audit;

/**
 * Makes a string that a caller or an admin controls safe to put into a log line: every control
 * character (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional and
 * zero-width format characters are written as {@code \\uXXXX} (a backslash too, so the escapes stay
 * unambiguous), and the result is cut at {@link #MAX_CHARS} characters with a trailing {@code …}.
 *
 * <p>So a value can neither start a new line (forging an audit or log line), nor move the cursor or
 * recolour a terminal (ANSI escapes start with ESC, U+001B), nor hide text from a reader. Use it for
 * role names, caller patterns, JWT subjects, request ids, header and body fields; never pass a
 * secret or a token to a log at all.
 */
public final class LogText {

    /** The longest escaped value a log line carries; longer values are cut. */
    public static final int MAX_CHARS = 256;

    private LogText() {
    }

    /** The escaped form of {@code value}, or {@code "null"} for null. */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean unsafe = unsafe(c);
            if (out == null) {
                if (!unsafe && i < MAX_CHARS) {
                    continue;
                }
                out = new StringBuilder(Math.min(n, MAX_CHARS) + 16).append(value, 0, i);
            }
            if (out.length() >= MAX_CHARS) {
                return out.append('…').toString();
            }
            if (unsafe) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    /** Whether {@code c} is written as an escape (also by {@link AuditLog}'s JSON). */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\\'
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u200b' && c <= '\u200f') || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff';
    }
}
