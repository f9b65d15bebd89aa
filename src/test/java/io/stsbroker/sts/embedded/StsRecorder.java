package io.stsbroker.sts.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stsbroker.sts.RpcTimestamps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the embedded STS was asked for, per credential it issued: every test application records
 * through its test tap ({@link TestTap}), so a test can look up the AccessKeyId the broker handed out and
 * assert the role ARN, session name, duration, session policy and external id that produced it.
 *
 * <p>Also one fault the protocol handler cannot produce: {@link #issueShortLived} answers with
 * credentials that expire sooner than asked (as from an STS whose clock runs ahead), which is how
 * a broker sees a credential below its floor straight from STS.
 */
public final class StsRecorder {

    /** One AssumeRole that STS answered with credentials; absent parameters are empty. */
    public record Issued(String accessKeyId, String roleArn, String roleSessionName, Optional<Long> durationSeconds,
                         Optional<String> policy, Optional<String> externalId, Instant expiration) {
    }

    /** Bounded so a flood test cannot exhaust the heap; far more than any one test issues. */
    private static final int MAX_RECORDED = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Map<String, Issued> byAccessKeyId = new ConcurrentHashMap<>();
    private volatile String shortLivedArnContains;
    private volatile Duration shortLifetime;

    /** @param clock the STS's clock, from which short-lived credentials expire */
    public StsRecorder(Clock clock) {
        this.clock = clock;
    }

    /** The request that produced the credential {@code accessKeyId}; fails loudly when STS never issued it. */
    public Issued issued(String accessKeyId) {
        Issued i = byAccessKeyId.get(accessKeyId);
        if (i == null) {
            throw new AssertionError("the embedded STS issued no credential with AccessKeyId " + accessKeyId
                    + " (" + byAccessKeyId.size() + " recorded)");
        }
        return i;
    }

    /** Every credential issued for this RoleSessionName (one caller's sessions), in no particular order. */
    public List<Issued> issuedTo(String roleSessionName) {
        return byAccessKeyId.values().stream().filter(i -> i.roleSessionName().equals(roleSessionName)).toList();
    }

    /** Every credential issued for this role ARN, in no particular order. */
    public List<Issued> issuedForRole(String roleArn) {
        return byAccessKeyId.values().stream().filter(i -> i.roleArn().equals(roleArn)).toList();
    }

    /**
     * From now on, credentials issued for role ARNs containing {@code roleArnContains} expire
     * {@code lifetime} after the STS clock's now, whatever duration was asked for; null turns it off.
     */
    public void issueShortLived(String roleArnContains, Duration lifetime) {
        this.shortLifetime = lifetime;
        this.shortLivedArnContains = roleArnContains;
    }

    StsReply exchange(Map<String, String> received, StsReply reply) {
        if (!reply.isSuccess()) {
            return reply;
        }
        StsReply sent = shortened(received, reply);
        JsonNode credentials = parse(sent.body()).path("Credentials");
        String accessKeyId = credentials.path("AccessKeyId").asText();
        if (byAccessKeyId.size() < MAX_RECORDED) {
            byAccessKeyId.put(accessKeyId, new Issued(accessKeyId, received.get("RoleArn"), received.get("RoleSessionName"),
                    present(received, "DurationSeconds").map(Long::parseLong), present(received, "Policy"),
                    present(received, "ExternalId"),
                    RpcTimestamps.parse(credentials.path("Expiration").asText()).orElseThrow()));
        }
        return sent;
    }

    private StsReply shortened(Map<String, String> received, StsReply reply) {
        String contains = shortLivedArnContains;
        if (contains == null || !received.getOrDefault("RoleArn", "").contains(contains)) {
            return reply;
        }
        ObjectNode root = (ObjectNode) parse(reply.body());
        ((ObjectNode) root.path("Credentials")).put("Expiration", RpcTimestamps.format(clock.instant().plus(shortLifetime)));
        return new StsReply(reply.status(), reply.requestId(), reply.code(), root.toString());
    }

    private static Optional<String> present(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
