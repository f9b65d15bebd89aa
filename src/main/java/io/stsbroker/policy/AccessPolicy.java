package io.stsbroker.policy;

import io.stsbroker.audit.AuditLog;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a caller may have a role (deny by default) and with which duration and session
 * policy; checks run in the order 403 then 400, so parameter errors never reveal a role to a
 * caller without the grant.
 *
 * <p>An unknown role and a role the caller may not use get the same 403, so role names cannot be
 * probed; the log and the audit line record which it was.
 */
@Startup
@Singleton
public class AccessPolicy {

    private static final Logger LOG = Logger.getLogger(AccessPolicy.class);
    static final String FORBIDDEN_MESSAGE = "The role does not exist or is not granted to this caller.";

    private final BrokerConfig config;
    private final AuditLog audit;
    private volatile RoleCatalogue catalogue;

    public AccessPolicy(BrokerConfig config, AuditLog audit) {
        this.config = config;
        this.audit = audit;
        this.catalogue = RoleCatalogue.from(config);
    }

    void logCatalogue(@Observes StartupEvent ignored) {
        LOG.infof("Role catalogue loaded: %d role(s)", catalogue.size());
    }

    /** The roles {@code identity} may use. */
    public List<Role> rolesFor(String identity) {
        return catalogue.grantedTo(identity);
    }

    /**
     * @throws BrokerException {@code Forbidden} when the role is unknown or not granted
     */
    public Role authorize(String identity, String roleName, String requestId) {
        Optional<Role> role = catalogue.find(roleName);
        String reason = role.isEmpty() ? "unknown role" : role.get().grants(identity) ? null : "not granted";
        if (reason != null) {
            LOG.debugf("Denied role %s to %s: %s", printable(roleName), identity, reason);
            audit.record(new AuditLog.Event("deny", "Forbidden", requestId, identity,
                    printable(roleName), null, null, null, reason));
            throw new BrokerException(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE);
        }
        return role.get();
    }

    /**
     * Resolves the optional caller parameters against an already authorized role.
     *
     * @throws BrokerException {@code InvalidParameter} when the duration or policy is not acceptable
     */
    public VendSpec resolve(Role role, Optional<Long> durationSeconds, Optional<String> callerPolicy) {
        Duration duration = role.duration();
        if (durationSeconds.isPresent()) {
            long s = durationSeconds.get();
            long floor = config.cache().refreshAhead().toSeconds();
            if (s <= floor || s > role.duration().toSeconds()) {
                throw new BrokerException(ErrorCode.INVALID_PARAMETER, "durationSeconds must be above " + floor
                        + " and at most " + role.duration().toSeconds() + " for this role.");
            }
            duration = Duration.ofSeconds(s);
        }
        Optional<String> policy = role.policy();
        if (callerPolicy.isPresent()) {
            if (role.policy().isPresent()) {
                throw new BrokerException(ErrorCode.INVALID_PARAMETER, "This role already has a session policy;"
                        + " STS takes only one, so a caller policy cannot be added.");
            }
            String problem = RoleValidator.policyProblem(callerPolicy.get());
            if (problem != null) {
                throw new BrokerException(ErrorCode.INVALID_PARAMETER, "policy: " + problem + ".");
            }
            policy = callerPolicy;
        }
        return new VendSpec(role, duration, policy);
    }

    /** Role names come from the URL: keep log lines to one short printable token. */
    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) : s;
        return t.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
