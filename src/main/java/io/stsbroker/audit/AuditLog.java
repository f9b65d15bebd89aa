package io.stsbroker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON line per audited event to the {@code broker.audit} log category: every
 * credential minted, every denial, (when enabled) every cached hand-out, every admin invalidation
 * and every reload (or refused reload) of {@code broker.roles-file}.
 *
 * <p>Fields are fixed (time, event, outcome, requestId, caller, target, role, sessionName,
 * accessKeyId, expiration, reason); the type offers no way to pass a secret or a token.
 */
@Singleton
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("broker.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * An event to audit; null fields are left out.
     *
     * @param caller the authenticated identity that made the request
     * @param target the identity acted upon when that is not the caller (an admin invalidating another
     *               caller's credentials)
     */
    public record Event(String event, String outcome, String requestId, String caller, String target, String role,
                        String sessionName, String accessKeyId, Instant expiration, String reason) {

        /** An event about the caller's own request (no separate target). */
        public Event(String event, String outcome, String requestId, String caller, String role,
                     String sessionName, String accessKeyId, Instant expiration, String reason) {
            this(event, outcome, requestId, caller, null, role, sessionName, accessKeyId, expiration, reason);
        }
    }

    public void record(Event e) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        put(line, "event", e.event());
        put(line, "outcome", e.outcome());
        put(line, "requestId", e.requestId());
        put(line, "caller", e.caller());
        put(line, "target", e.target());
        put(line, "role", e.role());
        put(line, "sessionName", e.sessionName());
        put(line, "accessKeyId", e.accessKeyId());
        put(line, "expiration", e.expiration() == null ? null : e.expiration().toString());
        put(line, "reason", e.reason());
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException impossible) {
            LOG.warn("audit line could not be serialised");
        }
    }

    private static void put(Map<String, Object> line, String k, Object v) {
        if (v != null) {
            line.put(k, v);
        }
    }
}
