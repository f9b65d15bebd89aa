package io.stsbroker.client;

import java.util.Objects;

/**
 * A token fixed at construction, e.g. from an environment variable or a builder call.
 */
final class StaticTokenSource implements TokenSource {
    private final String token;
    private final String description;

    StaticTokenSource(String token, String description) {
        this.description = Objects.requireNonNull(description, "description");
        // Checked eagerly so a bad variable is reported at start-up, not at the first refresh.
        this.token = TokenText.checked(token, description);
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "TokenSource[" + description + "]";
    }
}
