package io.stsbroker.client;

/**
 * The broker rejected the bearer token (HTTP 401); the message names the token's source, never the token.
 */
public class BrokerAuthenticationException extends BrokerException {
    private static final long serialVersionUID = 1L;

    private final String tokenSource;

    public BrokerAuthenticationException(String message, BrokerError error, String tokenSource) {
        super(message, error);
        this.tokenSource = tokenSource;
    }

    /** Where the rejected token came from, e.g. {@code token file /var/run/secrets/sts-broker/token}. */
    public String tokenSource() {
        return tokenSource;
    }
}
