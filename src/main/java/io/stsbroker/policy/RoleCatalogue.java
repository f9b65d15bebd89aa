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
 * <p>Built from {@code broker.roles} and, when set, the roles of {@code broker.roles-file}; every
 * role goes through the same {@link RoleValidator}, whose message names the offending property and
 * value. At start-up that message stops the broker; on a reload it is logged and the previous
 * snapshot stays in force.
 */
public final class RoleCatalogue {

    private final Map<String, Role> roles;
    private final String fileHash;

    private RoleCatalogue(Map<String, Role> roles, String fileHash) {
        this.roles = Collections.unmodifiableMap(roles);
        this.fileHash = fileHash;
    }

    /** Validates every role of {@code broker.roles} (see {@link RoleValidator}) and orders them by name. */
    public static RoleCatalogue from(BrokerConfig config) {
        return from(config, null);
    }

    /**
     * {@code broker.roles} plus the roles read from {@code broker.roles-file} (null: none).
     *
     * @throws IllegalArgumentException naming the property and value of the first invalid role, or a
     *                                  role defined in both places
     */
    static RoleCatalogue from(BrokerConfig config, RolesFile.Content file) {
        RoleValidator validator = new RoleValidator(config.cache());
        Map<String, Role> roles = new TreeMap<>();
        config.roles().forEach((name, rc) -> roles.put(name, validator.validate(name, rc)));
        if (file != null) {
            file.roles().forEach((name, rc) -> {
                if (roles.containsKey(name)) {
                    throw new IllegalArgumentException("Invalid configuration roles." + name + ": the role is also defined in"
                            + " broker.roles; define each role either there or in broker.roles-file, not in both");
                }
                roles.put(name, validator.validate("roles.", name, rc));
            });
        }
        return new RoleCatalogue(roles, file == null ? null : file.sha256());
    }

    public Optional<Role> find(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    /** The roles {@code identity} may use, ordered by name. */
    public List<Role> grantedTo(String identity) {
        return roles.values().stream().filter(r -> r.grants(identity)).toList();
    }

    /** Every role, ordered by name. */
    java.util.Collection<Role> all() {
        return roles.values();
    }

    public int size() {
        return roles.size();
    }

    /** SHA-256 (hex) of the {@code broker.roles-file} content this snapshot was built from, if any. */
    Optional<String> fileHash() {
        return Optional.ofNullable(fileHash);
    }
}
