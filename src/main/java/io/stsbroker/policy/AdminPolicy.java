package io.stsbroker.policy;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Who may administer the broker ({@code POST /v1/admin/invalidate}): identities matching one of
 * {@code broker.admin.allow}, patterns with the same syntax as a role's {@code allow}. Nobody by
 * default. Checked at start-up like the role catalogue.
 */
@Startup
@Singleton
public class AdminPolicy {

    private final List<IdentityPattern> allow;

    public AdminPolicy(BrokerConfig config) {
        this.allow = config.admin().allow().orElse(List.of()).stream().map(s -> IdentityPattern.of(s.strip())).toList();
    }

    /** Whether {@code identity} matches one of {@code broker.admin.allow}. */
    public boolean isAdmin(String identity) {
        for (IdentityPattern p : allow) {
            if (p.matches(identity)) {
                return true;
            }
        }
        return false;
    }
}
