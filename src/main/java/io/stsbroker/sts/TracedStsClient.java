package io.stsbroker.sts;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;

/**
 * An {@link StsClient} that records every AssumeRole attempt as a span ({@value #SPAN_NAME}, kind
 * CLIENT), a child of the context current when the attempt is subscribed (the request's server span
 * for a first credential; none for a background refresh), with exactly three attributes:
 * <ul>
 *   <li>{@code broker.sts.role_arn}: the role asked for;</li>
 *   <li>{@code broker.sts.attempt}: the attempt's number within its fetch, from 1;</li>
 *   <li>{@code broker.sts.outcome}: {@code success}, STS's error code (e.g. {@code Throttling}),
 *       {@code unreachable} when STS gave no usable answer, the broker's error code when the
 *       attempt was refused before it was sent (a cluster budget), or {@code cancelled} (the fetch
 *       gave up at {@code broker.request-timeout}).</li>
 * </ul>
 * Nothing else of the request or the answer: no session name (it derives from the caller's
 * identity), no policy, no external id, no key id, secret or token. Only installed while tracing is
 * on ({@link StsClientProducer}); with tracing off the client is not wrapped at all.
 */
final class TracedStsClient extends ForwardingStsClient {

    static final String SPAN_NAME = "sts AssumeRole";
    static final AttributeKey<String> ROLE_ARN = AttributeKey.stringKey("broker.sts.role_arn");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("broker.sts.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("broker.sts.outcome");
    static final String SUCCESS = "success";
    static final String UNREACHABLE = "unreachable";
    static final String CANCELLED = "cancelled";

    private final Tracer tracer;

    TracedStsClient(StsClient delegate, Tracer tracer) {
        super(delegate);
        this.tracer = tracer;
    }

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
        return assumeRole(request, StsAttempt.FIRST);
    }

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request, StsAttempt attempt) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(SPAN_NAME).setSpanKind(SpanKind.CLIENT).setParent(Context.current())
                    .setAttribute(ROLE_ARN, request.roleArn()).setAttribute(ATTEMPT, (long) attempt.number()).startSpan();
            return delegate.assumeRole(request, attempt).onTermination().invoke((issued, failure, cancelled) -> {
                if (failure != null) {
                    span.setAttribute(OUTCOME, outcome(failure));
                    span.setStatus(StatusCode.ERROR);
                } else {
                    span.setAttribute(OUTCOME, cancelled ? CANCELLED : SUCCESS);
                }
                span.end();
            });
        });
    }

    /** STS's own error code, or {@value #UNREACHABLE}; never the exception's message. */
    static String outcome(Throwable failure) {
        if (failure instanceof StsException e) {
            return e.upstreamCode().orElse(UNREACHABLE);
        }
        // A gate's refusal (cluster budget): the broker's own code, e.g. UpstreamUnavailable.
        return failure instanceof BrokerException e ? e.code().code() : UNREACHABLE;
    }
}
