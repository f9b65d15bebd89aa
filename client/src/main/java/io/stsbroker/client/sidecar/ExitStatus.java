package io.stsbroker.client.sidecar;

import io.stsbroker.client.BrokerAccessDeniedException;
import io.stsbroker.client.BrokerAuthenticationException;
import io.stsbroker.client.BrokerConfigurationException;
import io.stsbroker.client.BrokerException;
import io.stsbroker.client.BrokerUnavailableException;

/**
 * The command's exit statuses, one per failure class, the same for every subcommand (README and
 * {@code --help} list them). {@code exec} passes its command's own status through once the command
 * has started, so these tell about the broker only when the command never ran.
 */
public final class ExitStatus {
    /** Done: credentials printed or served, or {@code --help}. */
    public static final int OK = 0;
    /** Configuration missing or unusable (no broker URL, no token, unreadable CA), or the port in use. */
    public static final int FAILED = 1;
    /** A bad command line, or a file it names (e.g. {@code --policy-file}) that cannot be used. */
    public static final int USAGE = 2;
    /** The broker rejected the bearer token (HTTP 401): fix the token source. */
    public static final int UNAUTHORIZED = 3;
    /** The role is not granted to this identity, or does not exist (HTTP 403). */
    public static final int FORBIDDEN = 4;
    /** The broker could not be reached or asked to retry later (network, HTTP 429, 503, 504): try again. */
    public static final int UNAVAILABLE = 5;
    /** The broker refused the request otherwise (HTTP 400 for a bad duration or policy, 404, 502) or answered unusably. */
    public static final int REFUSED = 6;
    /** {@code exec}: the command was found but could not be run (as a shell says it). */
    public static final int CANNOT_EXECUTE = 126;
    /** {@code exec}: the command was not found (as a shell says it). */
    public static final int NOT_FOUND = 127;

    private ExitStatus() {
    }

    /** The status for a failed broker call; the one place failures are mapped to statuses. */
    public static int of(BrokerException e) {
        if (e instanceof BrokerConfigurationException) {
            return FAILED;
        }
        if (e instanceof BrokerAuthenticationException) {
            return UNAUTHORIZED;
        }
        if (e instanceof BrokerAccessDeniedException) {
            return FORBIDDEN;
        }
        if (e instanceof BrokerUnavailableException) {
            return UNAVAILABLE;
        }
        return REFUSED;
    }

    /** The table printed at the end of every {@code --help}. */
    static String table() {
        return String.join(System.lineSeparator(),
                "Exit status: 0 done; 1 configuration missing or unusable; 2 bad command line; 3 the broker",
                "rejected the token (401); 4 role not granted or unknown (403); 5 broker unreachable or busy",
                "(network, 429, 503, 504: retry later); 6 the broker refused the request otherwise (400, 404, 502)",
                "or answered unusably. exec: 126 command not executable, 127 command not found, otherwise the",
                "command's own status (128+n if a signal n ended it).",
                "");
    }
}
