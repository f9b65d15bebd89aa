package io.stsbroker.request;

import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

/**
 * The response format a credential request asks for with {@code ?format=}: the broker's own
 * (the default) or the URI-provider shape of Alibaba Cloud's credentials-java.
 */
public enum Format {
    BROKER("broker"),
    ALIBABA_URI("alibaba-uri");

    private final String wire;
    /** The whole query string that asks for this format and nothing else, as the warm path compares it. */
    private final String query;

    Format(String wire) {
        this.wire = wire;
        this.query = "format=" + wire;
    }

    /** The value of {@code ?format=} that selects this format. */
    public String wire() {
        return wire;
    }

    /**
     * The format {@code ?format=value} asks for; no value means {@link #BROKER}.
     *
     * @throws BrokerException 400 {@code InvalidParameter} for any other value
     */
    public static Format of(String value) {
        if (value == null || value.equals(BROKER.wire)) {
            return BROKER;
        }
        if (value.equals(ALIBABA_URI.wire)) {
            return ALIBABA_URI;
        }
        throw new BrokerException(ErrorCode.INVALID_PARAMETER, "format must be \"broker\" or \"alibaba-uri\".");
    }

    /**
     * The format a raw query string asks for when it is empty or exactly {@code format=<value>}, or
     * null for any other query (one the full path must parse); never throws.
     */
    public static Format ofExactQuery(String query) {
        if (query == null || query.isEmpty()) {
            return BROKER;
        }
        if (query.equals(ALIBABA_URI.query)) {
            return ALIBABA_URI;
        }
        return query.equals(BROKER.query) ? BROKER : null;
    }
}
