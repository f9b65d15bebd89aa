package io.stsbroker.policy;

import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.audit.LogText;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a caller may have a role (deny by default) and with which duration and session
 * policy; checks run in the order 403 then 400, so parameter errors never reveal a role to a
 * caller without the grant.
 *
 * <p>An unknown role and a role the caller may not use get the same 403, so role names cannot be
 * probed; the log and the audit line record which it was (an unknown name only as a
 * {@linkplain #fingerprint fingerprint}).
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
        this.catalogue = initialCatalogue(config);
    }

    /** {@code broker.roles}, plus {@code broker.roles-file} when set: a file that cannot be read or is invalid stops start-up. */
    private static RoleCatalogue initialCatalogue(BrokerConfig config) {
        if (config.rolesFile().isEmpty()) {
            return RoleCatalogue.from(config);
        }
        Path path = Path.of(config.rolesFile().get());
        RolesFile.Raw raw;
        try {
            raw = RolesFile.read(path);
        } catch (IOException e) {
            throw new IllegalStateException("Invalid configuration broker.roles-file=" + path + ": the file cannot be read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        try {
            return RoleCatalogue.from(config, RolesFile.parse(raw));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid role catalogue file broker.roles-file=" + path + ": " + e.getMessage(), e);
        }
    }

    void logCatalogue(@Observes StartupEvent ignored) {
        LOG.infof("Role catalogue loaded: %d role(s)%s", catalogue.size(),
                config.rolesFile().map(f -> ", including those of " + f).orElse(""));
    }

    /** The roles {@code identity} may use. */
    public List<Role> rolesFor(String identity) {
        return catalogue.grantedTo(identity);
    }

    /** The catalogue entry named {@code name}, granted or not: for administration, never for callers. */
    public Optional<Role> role(String name) {
        return catalogue.find(name);
    }

    /** The snapshot in force; every authorization reads it afresh, so a replacement applies to the next request. */
    RoleCatalogue catalogue() {
        return catalogue;
    }

    /** Puts a validated snapshot in force (the role-file reload). */
    void replace(RoleCatalogue next) {
        catalogue = next;
    }

    /**
     * The role named {@code roleName} if it is granted to {@code identity}, else null; unlike
     * {@link #authorize} it records nothing, for a caller that will fall back to it on null.
     */
    public Role grantedOrNull(String identity, String roleName) {
        Role role = catalogue.find(roleName).orElse(null);
        return role != null && role.grants(identity) ? role : null;
    }

    /**
     * @throws BrokerException {@code Forbidden} when the role is unknown or not granted
     */
    public Role authorize(String identity, String roleName, String requestId) {
        Optional<Role> role = catalogue.find(roleName);
        String reason = role.isEmpty() ? "unknown role" : role.get().grants(identity) ? null : "not granted";
        if (reason != null) {
            String logged = role.isPresent() ? roleName : fingerprint(roleName);
            LOG.debugf("Denied role %s to %s: %s", LogText.escape(logged), LogText.escape(identity), reason);
            audit.record(AuditEvent.of(AuditEvent.Type.DENY, "Forbidden").requestId(requestId).caller(identity)
                    .role(logged).reason(reason).build());
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
            try {
                // Canonical, so equal policies written differently share one cached credential.
                policy = Optional.of(SessionPolicy.canonical(callerPolicy.get()));
            } catch (IllegalArgumentException e) {
                throw new BrokerException(ErrorCode.INVALID_PARAMETER, "policy: " + e.getMessage() + ".");
            }
        }
        return new VendSpec(role, duration, policy);
    }

    /**
     * How an unknown role name is logged and audited: its first 3 characters and the first 8 hex
     * digits of its SHA-256 ({@code "sea…#1a2b3c4d"}), never whole, because a caller may paste a
     * secret where a role name belongs; an operator can still match a caller's report by hashing
     * the name it says it sent. Catalogue names are logged as they are.
     */
    public static String fingerprint(String roleName) {
        String head = roleName.length() > 3 ? roleName.substring(0, 3) : roleName;
        head = head.replaceAll("[^\\x21-\\x7e]", "?");
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(roleName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return head + "\u2026#" + java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
