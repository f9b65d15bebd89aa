package io.stsbroker.api.admission;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.stsbroker.api.RequestIds;
import io.stsbroker.audit.LogText;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.injection.Decision;
import io.stsbroker.injection.Injector;
import io.stsbroker.policy.AccessPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * {@code POST /v1/admission/mutate}, the mutating admission webhook, present only with
 * {@code broker.injector.enabled=true}. A Vert.x route, not a JAX-RS resource, because it has a
 * body limit of its own ({@code broker.injector.max-body-size}): it reads the body itself and ends
 * every request it takes, so the API's 16 KiB limit, which the framework applies further down the
 * chain, never sees it. No authentication: the API server calls it over TLS, which the injector's
 * NetworkPolicy admits from the API server only, and the answer holds nothing secret.
 *
 * <p>Installed after {@code RequestGuards} (request id, header size, TLS guard) at
 * the same order; a failure ({@link BrokerException}, 413 from the body handler) goes to its
 * failure handler, which writes the JSON error body.
 */
@Singleton
public class AdmissionRoute {

    public static final String PATH = "/v1/admission/mutate";
    /** After RequestGuards' observer (default priority), so the guards run first. */
    static final int OBSERVER_PRIORITY = jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000;
    private static final Logger LOG = Logger.getLogger(AdmissionRoute.class);

    private final InjectorSettings settings;
    private final Injector injector;
    private final InjectorMetrics metrics;
    private final ObjectMapper json;
    private final ObjectReader reader;

    AdmissionRoute(InjectorSettings settings, AccessPolicy policy, InjectorMetrics metrics, ObjectMapper json) {
        this.settings = settings;
        this.injector = new Injector(policy, settings.excludedNamespaces());
        this.metrics = metrics;
        this.json = json;
        this.reader = json.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    void install(@Observes @Priority(OBSERVER_PRIORITY) Router router) {
        if (!settings.enabled()) {
            return;
        }
        router.post(PATH).order(io.stsbroker.api.RouteOrder.ADMISSION)
                .handler(BodyHandler.create(false).setBodyLimit(settings.maxBodySize()))
                .blockingHandler(this::review, false);
    }

    private void review(RoutingContext ctx) {
        try {
            String type = ctx.request().getHeader("Content-Type");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                throw new BrokerException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "An AdmissionReview is sent as application/json.");
            }
            ReviewRequest request = ReviewRequest.of(parse(ctx));
            Decision decision = injector.decide(request.group(), request.kind(), request.operation(), request.namespace(),
                    request.object(), settings.sidecarDefaults());
            String kind = request.group().isEmpty() && request.kind().equals("Pod") ? "Pod"
                    : Injector.isWorkload(request.group(), request.kind()) ? request.kind() : "other";
            metrics.record(kind, decision);
            decision.ungranted().ifPresent(identity -> LOG.infof("Admission %s %s in %s: %s is not granted the role it names",
                    RequestIds.of(ctx), kind, LogText.escape(request.namespace()), LogText.escape(identity)));
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .putHeader(RequestIds.HEADER, RequestIds.of(ctx))
                    .end(ReviewResponses.text(json, ReviewResponses.of(json, request.uid(), decision)));
        } catch (BrokerException e) {
            metrics.invalid();
            ctx.fail(e);
        } catch (RuntimeException e) {
            // A bug must not leak a stack trace to the caller; FailureResponses answers 500 InternalError.
            LOG.errorf("Admission review %s failed: %s", RequestIds.of(ctx), e.getClass().getName());
            ctx.fail(e);
        }
    }

    private JsonNode parse(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new BrokerException(ErrorCode.INVALID_PARAMETER, "The body is empty; an AdmissionReview is expected.");
        }
        try {
            return reader.readTree(ctx.body().buffer().getBytes());
        } catch (JsonParseException e) {
            // Jackson's message quotes the input, which may hold a pod's secrets: only say where.
            throw new BrokerException(ErrorCode.INVALID_PARAMETER, "The body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (JsonProcessingException e) {
            throw new BrokerException(ErrorCode.INVALID_PARAMETER, "The body is not valid JSON.");
        } catch (java.io.IOException e) {
            throw new BrokerException(ErrorCode.INVALID_PARAMETER, "The body could not be read.");
        }
    }

    /** Paths this class serves with a body limit of its own, for RequestLimits' declared-length check. */
    public static Set<String> ownBodyLimitPaths(boolean enabled) {
        return enabled ? Set.of(PATH) : Set.of();
    }
}
