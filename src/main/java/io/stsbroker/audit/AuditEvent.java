package io.stsbroker.audit;

import java.time.Instant;
import java.util.Locale;

/**
 * One audited fact, as typed values: which event, its outcome, and who, what and which credential it
 * concerns. Absent facts are null and left out of the record. Nothing here can carry a secret: a
 * credential is named by its AccessKeyId only.
 *
 * <p>Build one with {@link #of(Type, String)} and the fluent setters, e.g.
 * {@code AuditEvent.of(Type.MINT, "Success").requestId(id).caller(who).role(name, arn).build()}.
 *
 * @param caller the authenticated identity that made the request
 * @param target the identity acted upon when that is not the caller (an admin invalidating another
 *               caller's credentials)
 */
public record AuditEvent(Type type, String outcome, String requestId, String caller, String target, String role,
                         String roleArn, String sessionName, String accessKeyId, Instant expiration, String reason) {

    /** The audited events; {@link #wire()} is the stable value of the record's {@code event} field. */
    public enum Type {
        /** AssumeRole answered (or refused) for a caller's request or a background refresh. */
        MINT,
        /** A cached credential handed out (only with {@code broker.audit.hand-outs}). */
        HANDOUT,
        /** A cached credential dropped because the cloud withdrew the grant on refresh. */
        EVICT,
        /** A credential request refused by the role catalogue. */
        DENY,
        /** An admin invalidation, allowed or refused. */
        INVALIDATE,
        /** A reload of {@code broker.roles-file}, applied or rejected. */
        ROLES_RELOAD;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static Builder of(Type type, String outcome) {
        return new Builder(type, outcome);
    }

    /** Collects the facts of one event; every setter may be skipped (the fact is then absent). */
    public static final class Builder {
        private final Type type;
        private final String outcome;
        private String requestId;
        private String caller;
        private String target;
        private String role;
        private String roleArn;
        private String sessionName;
        private String accessKeyId;
        private Instant expiration;
        private String reason;

        private Builder(Type type, String outcome) {
            this.type = type;
            this.outcome = outcome;
        }

        public Builder requestId(String v) { requestId = v; return this; }
        public Builder caller(String v) { caller = v; return this; }
        public Builder target(String v) { target = v; return this; }
        public Builder role(String name) { role = name; return this; }
        public Builder role(String name, String arn) { role = name; roleArn = arn; return this; }
        public Builder sessionName(String v) { sessionName = v; return this; }
        /** The credential by its public AccessKeyId and expiry; never its secret or token. */
        public Builder credential(String keyId, Instant expires) { accessKeyId = keyId; expiration = expires; return this; }
        public Builder reason(String v) { reason = v; return this; }

        public AuditEvent build() {
            return new AuditEvent(type, outcome, requestId, caller, target, role, roleArn, sessionName, accessKeyId,
                    expiration, reason);
        }
    }
}
