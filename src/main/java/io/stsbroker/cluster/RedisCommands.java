package io.stsbroker.cluster;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Sends commands through Quarkus's Redis client, each bounded by {@code broker.cluster.command-timeout};
 * any failure marks the replica {@linkplain ClusterState#failed degraded}.
 */
final class RedisCommands {

    private final Redis redis;
    private final Duration timeout;
    private final ClusterState state;

    RedisCommands(Redis redis, Duration timeout, ClusterState state) {
        this.redis = redis;
        this.timeout = timeout;
        this.state = state;
    }

    Redis client() {
        return redis;
    }

    /** The reply (null for a nil reply), or a failure after which the replica is degraded. */
    Uni<Response> send(Command command, Object... args) {
        Request r = Request.cmd(command);
        for (Object a : args) {
            r.arg(String.valueOf(a));
        }
        return redis.send(r)
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException("Redis command timed out"))
                .onItem().invoke(state::answered)
                .onFailure().invoke(state::failed);
    }

    /** Runs a Lua script (EVAL): {@code keys} then {@code args}. */
    Uni<Response> eval(String script, java.util.List<String> keys, Object... args) {
        Object[] all = new Object[2 + keys.size() + args.length];
        all[0] = script;
        all[1] = keys.size();
        int i = 2;
        for (String k : keys) {
            all[i++] = k;
        }
        for (Object a : args) {
            all[i++] = a;
        }
        return send(Command.EVAL, all);
    }
}
