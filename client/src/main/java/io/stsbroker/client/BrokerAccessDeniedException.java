package io.stsbroker.client;

import java.util.Optional;

/**
 * The caller may not use the role, or the role does not exist (HTTP 403; the broker answers both alike).
 */
public class BrokerAccessDeniedException extends BrokerException {
    private static final long serialVersionUID = 1L;

    private final String role;
    private final String identity;

    public BrokerAccessDeniedException(String message, BrokerError error, String role, String identity) {
        super(message, error);
        this.role = role;
        this.identity = identity;
    }

    /** The role that was asked for, or {@code null} if the request was not for a role. */
    public String role() {
        return role;
    }

    /** The caller's identity as the broker sees it, if {@code GET /api/v1/status} could tell. */
    public Optional<String> identity() {
        return Optional.ofNullable(identity);
    }
}
