package io.stsbroker.vending;

import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns whatever ended a credential request into the {@link BrokerException} the caller gets: a
 * {@code BrokerException} (an STS error included) as it is, a timeout of {@code broker.request-timeout}
 * and anything unexpected as 503 {@code UpstreamUnavailable} with {@code Retry-After: 1}.
 */
final class VendFailures {

    private static final Logger LOG = Logger.getLogger(VendFailures.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private VendFailures() {
    }

    static BrokerException asBrokerException(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof BrokerException b) {
            return b;
        }
        if (t instanceof TimeoutException) {
            return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "No credentials within broker.request-timeout; the token service is slow or unreachable.",
                    null, RETRY_AFTER, null);
        }
        // Class name only: the message of an unexpected exception may carry request data.
        LOG.errorf("Unexpected %s while vending credentials", t.getClass().getName());
        return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE, "Credentials could not be obtained; try again shortly.",
                null, RETRY_AFTER, null);
    }

    /** STS answered with a credential already at or below {@code min-remaining}. */
    static BrokerException tooCloseToExpiry() {
        return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "The token service returned credentials too close to expiry; try again shortly.", null, RETRY_AFTER, null);
    }

    /** The code an audit record or log line gives a failure: STS's own code when there is one. */
    static String codeOf(Throwable t) {
        if (t instanceof BrokerException b) {
            return b.upstreamCode().orElse(b.code().code());
        }
        return t.getClass().getSimpleName();
    }
}
