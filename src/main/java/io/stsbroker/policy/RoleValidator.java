package io.stsbroker.policy;

import io.stsbroker.config.BrokerConfig;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one {@code broker.roles.<name>} block into a {@link Role}, or fails with an
 * {@link IllegalArgumentException} whose message names the property and the bad value.
 */
final class RoleValidator {

    /** STS's own bounds on DurationSeconds. */
    static final Duration MIN_DURATION = Duration.ofSeconds(900);
    static final Duration MAX_DURATION = Duration.ofSeconds(43200);

    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Pattern ARN = Pattern.compile("acs:ram::[0-9]{1,32}:role/[A-Za-z0-9.@_-]{1,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    private final BrokerConfig.Cache cache;

    RoleValidator(BrokerConfig.Cache cache) {
        this.cache = cache;
    }

    Role validate(String name, BrokerConfig.RoleConfig rc) {
        return validate("broker.roles.", name, rc);
    }

    /**
     * The same checks for a role from another source ({@code broker.roles-file}); {@code where}
     * prefixes property names in messages ({@code "broker.roles."}, or {@code "roles."} for the file).
     */
    Role validate(String where, String name, BrokerConfig.RoleConfig rc) {
        String prefix = where + name + ".";
        if (!ROLE_NAME.matcher(name).matches()) {
            throw bad(where + name, name, "a role name is 1..128 characters of [A-Za-z0-9._@-]");
        }
        if (!ARN.matcher(rc.arn()).matches()) {
            throw bad(prefix + "arn", rc.arn(), "expected acs:ram::<account-id>:role/<role-name>");
        }
        Duration d = rc.duration();
        if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0 || d.toNanos() % 1_000_000_000L != 0) {
            throw bad(prefix + "duration", d, "must be whole seconds from 900 to 43200");
        }
        if (cache.minRemaining().compareTo(cache.refreshAhead()) >= 0) {
            throw bad("broker.cache.min-remaining", cache.minRemaining(),
                    "must be below broker.cache.refresh-ahead (" + cache.refreshAhead() + ")");
        }
        if (cache.refreshAhead().compareTo(d) >= 0) {
            throw bad(prefix + "duration", d,
                    "must be above broker.cache.refresh-ahead (" + cache.refreshAhead() + ")");
        }
        // Stored and sent in canonical form, like a caller's policy (see SessionPolicy).
        Optional<String> policy = rc.policy().map(p -> canonicalPolicy(prefix + "policy", p));
        rc.externalId().ifPresent(e -> {
            if (!EXTERNAL_ID.matcher(e).matches()) {
                throw bad(prefix + "external-id", e, "must be 2..1224 characters of [A-Za-z0-9_+=,.@:/-]");
            }
        });
        List<IdentityPattern> allow = rc.allow().orElse(List.of()).stream().map(s -> {
            if (s.isBlank()) {
                throw bad(prefix + "allow", s, "an identity pattern must not be blank");
            }
            return IdentityPattern.of(s.strip());
        }).toList();
        return new Role(name, rc.arn(), d, policy, rc.externalId(), allow);
    }

    /** The canonical form of a configured policy, or a start-up failure naming the property. */
    static String canonicalPolicy(String property, String policy) {
        try {
            return SessionPolicy.canonical(policy);
        } catch (IllegalArgumentException e) {
            throw bad(property, abbreviate(policy), e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static IllegalArgumentException bad(String property, Object value, String why) {
        return new IllegalArgumentException("Invalid configuration " + property + "='" + value + "': " + why);
    }
}
