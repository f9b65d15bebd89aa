package io.stsbroker.vending;

import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;

/**
 * The audit records the credential cache writes: every mint (a caller's or a refresh's) and its
 * failure, every eviction of a credential whose grant was withdrawn, and, only with
 * {@code broker.audit.hand-outs}, every credential handed out from the cache. Refreshes carry the
 * request id {@code "refresh"}: no caller request started them.
 */
final class VendingAudit {

    private static final String REFRESH = "refresh";

    private final AuditLog log;
    private final boolean handOuts;

    VendingAudit(AuditLog log, boolean handOuts) {
        this.log = log;
        this.handOuts = handOuts;
    }

    void minted(VendRequest r, AssumeRoleRequest call, StsCredentials c) {
        log.record(AuditEvent.of(AuditEvent.Type.MINT, "Success").requestId(r.requestId()).caller(r.identity())
                .role(r.roleName(), call.roleArn()).sessionName(call.roleSessionName())
                .credential(c.accessKeyId(), c.expiration()).build());
    }

    void mintFailed(VendRequest r, AssumeRoleRequest call, Throwable t) {
        log.record(AuditEvent.of(AuditEvent.Type.MINT, VendFailures.codeOf(t)).requestId(r.requestId())
                .caller(r.identity()).role(r.roleName(), call.roleArn()).sessionName(call.roleSessionName())
                .reason(t.getMessage()).build());
    }

    void refreshed(CredentialKey key, CachedCredential old, StsCredentials c) {
        log.record(AuditEvent.of(AuditEvent.Type.MINT, "Success").requestId(REFRESH).caller(key.identity())
                .role(old.roleName(), old.request().roleArn()).sessionName(old.request().roleSessionName())
                .credential(c.accessKeyId(), c.expiration()).build());
    }

    void evicted(CredentialKey key, CachedCredential old, Throwable t) {
        log.record(AuditEvent.of(AuditEvent.Type.EVICT, VendFailures.codeOf(t)).requestId(REFRESH)
                .caller(key.identity()).role(old.roleName(), old.request().roleArn())
                .sessionName(old.request().roleSessionName()).reason(t.getMessage()).build());
    }

    /** A credential handed out from the cache, recorded only when {@code broker.audit.hand-outs} is on. */
    void handedOut(VendRequest r, StsCredentials c) {
        if (handOuts) {
            log.record(AuditEvent.of(AuditEvent.Type.HANDOUT, "Success").requestId(r.requestId()).caller(r.identity())
                    .role(r.roleName(), r.roleArn()).sessionName(r.sessionName())
                    .credential(c.accessKeyId(), c.expiration()).build());
        }
    }
}
