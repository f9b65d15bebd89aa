package io.stsbroker.client;

/**
 * Checks that a token can be sent in an HTTP header, with messages that name the source only.
 */
final class TokenText {
    private TokenText() {
    }

    /** Returns {@code raw} trimmed, or throws if it is empty or holds characters a header cannot carry. */
    static String checked(String raw, String description) {
        String token = raw == null ? "" : raw.strip();
        if (token.isEmpty()) {
            throw new BrokerConfigurationException("The bearer token from " + description + " is empty.");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            // Visible ASCII only: anything else is a corrupted file or a header-injection attempt.
            if (c < 0x21 || c > 0x7e) {
                throw new BrokerConfigurationException("The bearer token from " + description
                        + " contains a character that cannot be sent in an HTTP header (at position " + i + ").");
            }
        }
        return token;
    }

    /** A setting's value shortened and stripped of control characters, for configuration messages (never for secrets). */
    static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
