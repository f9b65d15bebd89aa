package io.stsbroker.client.internal;

import java.util.regex.Pattern;

/**
 * Makes text that came from the broker (or anything posing as it) safe to put into an exception
 * message, an HTTP body or a log line: at most {@code max} characters, one line, no control,
 * format (bidi) or separator characters, and no bearer token or JWT.
 */
public final class SafeText {
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[^\\s\"',;]+");
    /** Three base64url parts starting like a JSON header: a JWT, wherever it came from. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");

    private SafeText() {
    }

    /** {@code text} made safe and cut to {@code max} characters (plus "..." when cut); {@code null} stays {@code null}. */
    public static String of(String text, int max) {
        if (text == null) {
            return null;
        }
        String cut = text.length() > 4 * max ? text.substring(0, 4 * max) : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(printable(cut, i, c) ? c : ' ');
        }
        String flat = JWT.matcher(BEARER.matcher(out).replaceAll("Bearer <redacted>")).replaceAll("<redacted-jwt>")
                .replaceAll(" {2,}", " ").strip();
        return flat.length() > max ? flat.substring(0, max) + "..." : flat;
    }

    private static boolean printable(String s, int i, char c) {
        if (Character.isISOControl(c)) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        int type = Character.getType(c);
        return type != Character.FORMAT && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.UNASSIGNED && type != Character.PRIVATE_USE;
    }
}
