package io.stsbroker.policy;

import io.stsbroker.config.BrokerConfig;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable, validated snapshot of the configured roles, by name.
 *
 * <p>Built once from {@link BrokerConfig}; {@link #from} fails with a message naming the offending
 * property and value, which is what stops start-up on a bad catalogue.
 */
public final class RoleCatalogue {

    private final Map<String, Role> roles;

    private RoleCatalogue(Map<String, Role> roles) {
        this.roles = Collections.unmodifiableMap(roles);
    }

    /** Validates every role (see {@link RoleValidator}) and orders them by name. */
    public static RoleCatalogue from(BrokerConfig config) {
        RoleValidator validator = new RoleValidator(config.cache());
        Map<String, Role> roles = new TreeMap<>();
        config.roles().forEach((name, rc) -> roles.put(name, validator.validate(name, rc)));
        return new RoleCatalogue(roles);
    }

    public Optional<Role> find(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    /** The roles {@code identity} may use, ordered by name. */
    public List<Role> grantedTo(String identity) {
        return roles.values().stream().filter(r -> r.grants(identity)).toList();
    }

    public int size() {
        return roles.size();
    }
}
