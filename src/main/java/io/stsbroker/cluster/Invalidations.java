package io.stsbroker.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Invalidations across replicas. An admin's invalidation on one replica deletes the shared entries
 * it names (through the per-identity and per-role indexes), increments the invalidation generation
 * in Redis and publishes {@code <generation> <sealed target>}: the role ARN and identity (either
 * may be "any"), encrypted like an entry and bound to the channel name, so Redis never sees them.
 * Each replica drops the matching local credentials through the vendor's one invalidation entry
 * point when the message arrives; one it cannot open (a key it does not hold) drops everything.
 *
 * <p>Pub/sub loses messages across a reconnect, so every {@code sync-interval} each replica also
 * reads the generation: if it moved past the last one this replica applied, a message was missed
 * and the replica drops its whole local cache (the shared entries still answer the next requests,
 * minus the invalidated ones). The generation is {@code <epoch>:<n>}; a Redis that lost its data
 * starts a new epoch at 0, which is adopted without dropping anything (no invalidation was
 * recorded there). The same tick probes a Redis the replica lost and ends the degraded state.
 */
final class Invalidations {

    private static final Logger LOG = Logger.getLogger(Invalidations.class);
    /** KEYS[1] generation, ARGV[1] a new epoch if none, ARGV[2] channel, ARGV[3] message tail. */
    private static final String BUMP = """
            local v = redis.call('GET', KEYS[1])
            local e, n = ARGV[1], 0
            if v then
              local pe, pn = string.match(v, '^(%w+):(%d+)$')
              if pe then e, n = pe, tonumber(pn) end
            end
            local g = e .. ':' .. (n + 1)
            redis.call('SET', KEYS[1], g)
            redis.call('PUBLISH', ARGV[2], g .. ' ' .. ARGV[3])
            return g""";
    /** Reads the generation, starting a new epoch when Redis has none. */
    private static final String READ = """
            local v = redis.call('GET', KEYS[1])
            if v then return v end
            v = ARGV[1] .. ':0'
            redis.call('SET', KEYS[1], v)
            return v""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisCommands redis;
    private final KeyNames names;
    private final ClusterState state;
    private final EntryCipher cipher;
    /** The vendor's invalidation entry point: (role ARN, identity), null for "any"; returns the count dropped. */
    private final BiFunction<String, String, Long> local;
    private final SecureRandom random = new SecureRandom();
    private final Counter received;
    private final Counter caughtUp;
    private volatile String applied;
    private volatile RedisConnection subscription;

    Invalidations(RedisCommands redis, KeyNames names, EntryCipher cipher, ClusterState state,
                  BiFunction<String, String, Long> local, MeterRegistry meters) {
        this.redis = redis;
        this.cipher = cipher;
        this.names = names;
        this.state = state;
        this.local = local;
        this.received = meters.counter("broker.cluster.invalidations", "source", "message");
        this.caughtUp = meters.counter("broker.cluster.invalidations", "source", "catch-up");
    }

    /**
     * After this replica dropped its own credentials for (role ARN, identity), either null for
     * "any": deletes the shared entries and tells the other replicas. Fails when Redis is down
     * (the other replicas then keep theirs until expiry; the admin is told so).
     */
    Uni<Long> publish(String roleArn, String identity) {
        String roleTag = roleArn == null ? "*" : names.tag("role", roleArn);
        String idTag = identity == null ? "*" : names.tag("identity", identity);
        return sharedEntries(roleTag, idTag)
                .onItem().transformToUni(keys -> keys.isEmpty() ? Uni.createFrom().item(0L)
                        : redis.send(Command.DEL, keys.toArray()).onItem().transform(r -> r.toLong()))
                .onItem().call(() -> redis.eval(BUMP, List.of(names.generation()), epoch(), names.channel(),
                                sealTarget(roleArn, identity))
                        .onItem().invoke(g -> advance(g.toString())));
    }

    private Uni<List<String>> sharedEntries(String roleTag, String idTag) {
        Uni<Response> members;
        if (!roleTag.equals("*") && !idTag.equals("*")) {
            members = redis.send(Command.SINTER, names.identityIndex(idTag), names.roleIndex(roleTag));
        } else if (!idTag.equals("*")) {
            members = redis.send(Command.SMEMBERS, names.identityIndex(idTag));
        } else if (!roleTag.equals("*")) {
            members = redis.send(Command.SMEMBERS, names.roleIndex(roleTag));
        } else {
            members = redis.send(Command.KEYS, names.entry("*"));
        }
        return members.onItem().transform(r -> {
            List<String> keys = new ArrayList<>();
            if (r != null) {
                r.forEach(k -> keys.add(k.toString()));
            }
            return keys;
        });
    }

    /** One tick: probe a lost Redis, (re)subscribe, and catch up on missed invalidations. */
    Uni<Void> sync() {
        return redis.eval(READ, List.of(names.generation()), epoch())
                .onItem().transformToUni(g -> subscribed().replaceWith(g))
                .onItem().invoke(g -> {
                    catchUp(g.toString());
                    state.recovered();
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(t -> {
                    dropSubscription();
                    return null;
                });
    }

    private void catchUp(String current) {
        String seen = applied;
        if (seen == null || current.equals(seen)) {
            applied = current;
            return;
        }
        String[] now = current.split(":");
        String[] before = seen.split(":");
        boolean freshStart = !now[0].equals(before[0]) && now[1].equals("0");
        if (!freshStart) {
            caughtUp.increment();
            long dropped = local.apply(null, null);
            LOG.infof("Missed invalidation(s) (generation %s, last applied %s): dropped all %d local credentials",
                    current, seen, dropped);
        }
        applied = current;
    }

    /** Applies a message unless it is older than what was applied; a gap means a missed one. */
    void onMessage(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 2) {
            return;
        }
        received.increment();
        Target t = openTarget(parts[1]);
        if (t == null) {
            local.apply(null, null); // cannot tell what was meant: drop everything rather than serve it
        } else {
            local.apply(t.roleArn(), t.identity());
        }
        String seen = applied;
        if (seen != null && next(seen).equals(parts[0])) {
            applied = parts[0];
        }
        // Otherwise the next sync sees the gap and catches up.
    }

    private void advance(String generation) {
        String seen = applied;
        if (seen == null || next(seen).equals(generation)) {
            applied = generation;
        }
    }

    private static String next(String generation) {
        int i = generation.lastIndexOf(':');
        return generation.substring(0, i + 1) + (Long.parseLong(generation.substring(i + 1)) + 1);
    }

    private Uni<Void> subscribed() {
        if (subscription != null) {
            return Uni.createFrom().voidItem();
        }
        return redis.client().connect().onItem().transformToUni(conn -> {
            conn.handler(this::onPush);
            conn.exceptionHandler(t -> dropSubscription());
            conn.endHandler(this::dropSubscription);
            return conn.send(Request.cmd(Command.SUBSCRIBE).arg(names.channel()))
                    .onItem().invoke(() -> subscription = conn)
                    .onFailure().invoke(() -> conn.close().subscribe().with(x -> { }, x -> { }))
                    .replaceWithVoid();
        });
    }

    private void onPush(Response r) {
        if (r != null && r.size() == 3 && "message".equals(r.get(0).toString())) {
            onMessage(r.get(2).toString());
        }
    }

    private void dropSubscription() {
        RedisConnection c = subscription;
        subscription = null;
        if (c != null) {
            c.close().subscribe().with(x -> { }, x -> { });
        }
    }

    /** What an invalidation names; null fields mean "any". */
    record Target(String roleArn, String identity) {
    }

    private String sealTarget(String roleArn, String identity) {
        try {
            return cipher.seal(names.channel(), JSON.writeValueAsBytes(new Target(roleArn, identity)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("invalidation serialization failed");
        }
    }

    private Target openTarget(String sealed) {
        if (cipher.open(names.channel(), sealed) instanceof EntryCipher.Plain p) {
            try {
                return JSON.readValue(p.bytes(), Target.class);
            } catch (java.io.IOException e) {
                return null;
            }
        }
        return null;
    }

    private String epoch() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
