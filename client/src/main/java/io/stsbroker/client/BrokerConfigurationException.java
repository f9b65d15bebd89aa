package io.stsbroker.client;

/**
 * This client is not configured well enough to call the broker: no URL, no token, or an
 * unreadable token or CA file. The message names the setting (environment variable or builder
 * method) to fix.
 */
public class BrokerConfigurationException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public BrokerConfigurationException(String message) {
        this(message, null);
    }

    public BrokerConfigurationException(String message, Throwable cause) {
        super(message, BrokerError.client(BrokerError.CLIENT_CONFIGURATION, message), cause);
    }
}
