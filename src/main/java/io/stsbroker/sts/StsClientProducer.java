package io.stsbroker.sts;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.StartupEvent;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.sts.embedded.EmbeddedStsServer;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * Produces the application's single {@link StsClient} from {@code broker.sts.provider}:
 * <ul>
 *   <li>{@code alibaba}: {@link AlibabaStsClient} on {@code broker.sts.endpoint}, signing with the
 *       identity named by {@code broker.sts.identity} ({@link SigningIdentities}; RRSA by default).</li>
 *   <li>{@code embedded}: the same {@link AlibabaStsClient} on the embedded STS
 *       ({@code http://127.0.0.1:<actual port>}), signing with the embedded STS's own key pair. One
 *       code path for dev, tests and production.</li>
 *   <li>{@code none}: no STS at all (the injector-only mode); see {@link AbsentStsClient}.</li>
 * </ul>
 * The bean is created on first use; the embedded STS binds in a start-up observer that runs before
 * all others, so its port is known by then.
 */
@ApplicationScoped
public class StsClientProducer {

    private static final Logger LOG = Logger.getLogger(StsClientProducer.class);
    /** The instrumentation scope of the broker's own spans. */
    static final String TRACER_NAME = "io.stsbroker";

    @Inject
    BrokerConfig config;
    @Inject
    Vertx vertx;
    @Inject
    Clock clock;
    @Inject
    MeterRegistry registry;
    @Inject
    Instance<EmbeddedStsServer> embeddedServer;
    @Inject
    Instance<EmbeddedStsKeys> embeddedKeys;
    /** Asked before each call is sent (cluster mode's budget); none by default. */
    @Inject
    Instance<UpstreamGate> gate;
    /** Only resolved while tracing is on. */
    @Inject
    Instance<OpenTelemetry> openTelemetry;
    /**
     * Tracing's run-time switch, on exactly when an OTLP endpoint is configured
     * ({@code config.TracingSwitch}). Off, the client is not wrapped: no tracing cost at all.
     */
    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean tracingOff;

    private SigningCredentialsSource alibabaIdentity;

    /**
     * Fails start-up on a malformed {@code broker.sts.endpoint} or a missing identity set-up (RRSA
     * variables by default) instead of on the first credential request.
     */
    void validate(@Observes StartupEvent event) {
        // One line either way, so an operator can tell from the log whether spans leave the broker.
        LOG.info(tracingOff ? "Tracing off (no OTLP endpoint configured)"
                : "Tracing on: every request and AssumeRole attempt is exported as a span to the OTLP endpoint");
        if (config.sts().provider() == BrokerConfig.Provider.alibaba) {
            StsEndpoint endpoint = StsEndpoint.parse(config.sts().endpoint());
            alibabaIdentity(endpoint);
            BrokerConfig.Identity identity = config.sts().identity();
            LOG.infof("STS provider alibaba on %s, per-attempt timeout %s, broker identity %s", endpoint,
                    config.sts().timeout(), SigningIdentities.describe(identity, System.getenv()));
            if (identity == BrokerConfig.Identity.ECS_RAM_ROLE || identity == BrokerConfig.Identity.DEFAULT_CHAIN) {
                LOG.warnf("broker.sts.identity=%s: on a Kubernetes node this can be the node's own RAM role; "
                        + "prefer rrsa (docs/DEPLOYING.md)", identity.configName());
            }
        }
    }

    /** The broker's own identity for provider alibaba, built once from the process environment. */
    private synchronized SigningCredentialsSource alibabaIdentity(StsEndpoint endpoint) {
        if (alibabaIdentity == null) {
            alibabaIdentity = SigningIdentities.create(config.sts().identity(), System.getenv(), endpoint);
        }
        return alibabaIdentity;
    }

    @Produces
    @ApplicationScoped
    StsClient stsClient() {
        StsClient client = upstreamClient();
        StsClient gated = gate.isResolvable() ? new GatedStsClient(client, gate.get()) : client;
        // Outermost, so an attempt the gate refuses is an attempt with its outcome too.
        return tracingOff ? gated : new TracedStsClient(gated, openTelemetry.get().getTracer(TRACER_NAME));
    }

    private StsClient upstreamClient() {
        BrokerConfig.Sts sts = config.sts();
        return switch (sts.provider()) {
            case alibaba -> {
                StsEndpoint endpoint = StsEndpoint.parse(sts.endpoint());
                yield new AlibabaStsClient(vertx, "alibaba", endpoint, sts.timeout(), alibabaIdentity(endpoint), clock,
                        registry, () -> true);
            }
            case embedded -> {
                EmbeddedStsServer server = embeddedServer.get();
                EmbeddedStsKeys keys = embeddedKeys.get();
                yield new AlibabaStsClient(vertx, "embedded", StsEndpoint.parse(server.baseUrl()), sts.timeout(),
                        new StaticCredentialsSource(SigningCredentials.of(keys.accessKeyId(), keys.accessKeySecret())),
                        clock, registry, server::isRunning);
            }
            case none -> new AbsentStsClient();
        };
    }

    void close(@Disposes StsClient client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debugf("Closing the STS client failed: %s", e.toString());
            }
        }
    }
}
