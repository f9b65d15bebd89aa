package io.stsbroker.sts.embedded;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Test-only fault controls of the embedded STS: make AssumeRole fail with a chosen STS error code
 * (for every role, or for ARNs containing a given text), or answer late.
 *
 * <p>Reachable only from Java code that injects this bean: no property, profile or endpoint
 * switches a fault on, so production configuration cannot.
 */
@ApplicationScoped
public class EmbeddedStsFaults {

    private record Rule(String code, int status, String roleArnContains) {
    }

    private final EmbeddedStsServer server;
    private final Vertx vertx;
    private volatile Rule rule;
    private volatile Duration delay = Duration.ZERO;

    EmbeddedStsFaults(EmbeddedStsServer server, Vertx vertx) {
        this.server = server;
        this.vertx = vertx;
    }

    /** From now on, AssumeRole for ARNs containing {@code roleArnContains} (null: all) fails with {@code code}. */
    public void failWith(String code, int httpStatus, String roleArnContains) {
        rule = new Rule(code, httpStatus, roleArnContains);
        install();
    }

    /** From now on, every answer is sent {@code d} late. */
    public void delay(Duration d) {
        delay = d;
        install();
    }

    /** Back to normal behaviour. */
    public void clear() {
        rule = null;
        delay = Duration.ZERO;
        server.faultStep(null);
    }

    private void install() {
        server.faultStep(this::intercept);
    }

    private boolean intercept(HttpServerRequest request) {
        Rule r = rule;
        boolean fail = r != null && (r.roleArnContains() == null || roleArn(request).contains(r.roleArnContains()));
        long delayMillis = delay.toMillis();
        if (!fail && delayMillis <= 0) {
            return false;
        }
        if (!fail) {
            request.pause();
            vertx.setTimer(delayMillis, id -> {
                request.resume();
                server.answerUnfaulted(request);
            });
            return true;
        }
        server.countFaultedCall();
        StsReply reply = StsReply.error(UUID.randomUUID().toString().toUpperCase(Locale.ROOT),
                new StsError(r.status(), r.code(), "Injected fault " + r.code() + "."));
        Runnable send = () -> request.response().setStatusCode(reply.status())
                .putHeader("content-type", "application/json;charset=utf-8")
                .end(reply.body());
        if (delayMillis > 0) {
            vertx.setTimer(delayMillis, id -> send.run());
        } else {
            send.run();
        }
        return true;
    }

    private static String roleArn(HttpServerRequest request) {
        List<String> v = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters().get("RoleArn");
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
