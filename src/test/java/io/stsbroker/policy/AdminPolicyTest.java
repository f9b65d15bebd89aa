package io.stsbroker.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code broker.admin.allow}: nobody by default, patterns as in a role's {@code allow}, blanks refused at start-up. */
class AdminPolicyTest {

    @Test
    void nobodyIsAnAdminByDefault() {
        AdminPolicy p = new AdminPolicy(RolesFileTest.config());
        assertThat(p.isAdmin("apikey:ops")).isFalse();
        assertThat(p.isAdmin("*")).isFalse();
    }

    @Test
    void patternsMatchLikeRoleGrants() {
        AdminPolicy p = new AdminPolicy(RolesFileTest.config("broker.admin.allow", "apikey:ops,system:serviceaccount:ops:*"));
        assertThat(p.isAdmin("apikey:ops")).isTrue();
        assertThat(p.isAdmin("system:serviceaccount:ops:admin")).isTrue();
        assertThat(p.isAdmin("system:serviceaccount:ops:admin:x")).isFalse();
        assertThat(p.isAdmin("system:serviceaccount:opsx:admin")).isFalse();
        assertThat(p.isAdmin("apikey:ops2")).isFalse();
    }
}
