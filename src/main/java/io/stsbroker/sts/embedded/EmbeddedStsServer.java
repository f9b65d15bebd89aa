package io.stsbroker.sts.embedded;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.stsbroker.config.BrokerConfig;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * The application's embedded, wire-compatible Alibaba Cloud STS for dev and tests: it speaks
 * {@code AssumeRole} exactly as the real service does (the official SDK and credentials-java work
 * against it) and hands out fake, self-verifying credentials ({@link EmbeddedSecurityToken}).
 *
 * <p>Started on {@link StartupEvent} only when {@code broker.sts.provider=embedded}, before other
 * start-up observers, on {@code 127.0.0.1:broker.embedded-sts.port} (0 picks a free port, see
 * {@link #actualPort()}); closed on {@link ShutdownEvent} so a dev-mode reload can bind again.
 * The HTTP side is {@link EmbeddedSts}, on the application's Vert.x event loops.
 */
@ApplicationScoped
public class EmbeddedStsServer {

    private static final Logger LOG = Logger.getLogger(EmbeddedStsServer.class);

    @Inject
    Vertx vertx;
    @Inject
    BrokerConfig config;
    /** Looked up only when the server starts, so a broker on {@code alibaba} never resolves embedded keys. */
    @Inject
    Instance<EmbeddedStsKeys> keys;
    @Inject
    Clock clock;

    private volatile EmbeddedSts server;
    /** Kept across a restart, so a tap installed by a test survives it. */
    private volatile StsTap tap = StsTap.NONE;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.sts().provider() == BrokerConfig.Provider.embedded) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Binds the server, waiting for the bind (start-up runs on the main thread, never an event loop).
     *
     * @throws IllegalStateException naming {@code broker.embedded-sts.port} when the port cannot be bound
     */
    public void start() {
        start(config.embeddedSts().port());
    }

    /** {@link #start()} on an explicit port (0: any free one); a no-op while already listening. */
    synchronized void start(int port) {
        if (server != null) {
            return;
        }
        EmbeddedSts candidate;
        try {
            candidate = EmbeddedSts.listen(vertx, keys.get(), clock, port);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (broker.embedded-sts.port). Free the port or set"
                    + " broker.embedded-sts.port=0 to pick any free one.", e.getCause());
        }
        candidate.tap(tap);
        server = candidate;
        LOG.infof("Embedded STS listening on %s, accepting AccessKeyId %s", candidate.baseUrl(), keys.get().accessKeyId());
        if (ConfigUtils.isProfileActive("prod")) {
            LOG.warn("!!! broker.sts.provider=embedded in the prod profile: this broker hands out FAKE credentials"
                    + " from its embedded STS that no Alibaba Cloud service accepts. Set broker.sts.provider=alibaba"
                    + " for real ones. !!!");
        }
    }

    /** Closes the server (idempotent); waits for the port to be released. */
    public synchronized void stop() {
        EmbeddedSts running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    /** True while listening. */
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port (the real one when configured with 0). */
    public int actualPort() {
        EmbeddedSts running = server;
        if (running == null) {
            throw new IllegalStateException("The embedded STS is not listening (broker.sts.provider is "
                    + config.sts().provider() + ")");
        }
        return running.port();
    }

    /** {@code http://127.0.0.1:<actual port>}, the endpoint to give a client. */
    public String baseUrl() {
        return "http://" + EmbeddedSts.HOST + ":" + actualPort();
    }

    /** Package-private: installs the test seam (see {@link StsTap}) now and on any later start. */
    void tap(StsTap newTap) {
        this.tap = newTap == null ? StsTap.NONE : newTap;
        EmbeddedSts running = server;
        if (running != null) {
            running.tap(this.tap);
        }
    }
}
