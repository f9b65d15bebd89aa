package io.stsbroker.auth;

/**
 * The authenticated caller: its full identity ({@code apikey:<name>} or a JWT {@code sub}) and how
 * it proved it.
 */
public record Caller(String identity, Kind kind) {

    public enum Kind { API_KEY, JWT }

    /** The attribute of the Quarkus {@code SecurityIdentity} that holds the {@link Caller}. */
    public static final String ATTRIBUTE = "io.stsbroker.caller";
}
