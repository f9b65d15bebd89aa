package io.stsbroker.policy;

import io.stsbroker.audit.AuditLog;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Who may have which role, with which duration and session policy: the decisions both request paths share. */
class AccessPolicyTest {

    private static final String POLICY = "{\"Version\":\"1\",\"Statement\":[]}";
    private static final String CALLER_POLICY =
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:Get*\",\"Resource\":\"*\"}]}";

    private final AccessPolicy policy = new AccessPolicy(TestConfigs.broker(
            "broker.roles.plain.arn", "acs:ram::1234567890123456:role/plain",
            "broker.roles.plain.duration", "2h",
            "broker.roles.plain.allow", "system:serviceaccount:a:*",
            "broker.roles.scoped.arn", "acs:ram::1234567890123456:role/scoped",
            "broker.roles.scoped.policy", POLICY,
            "broker.roles.scoped.allow", "apikey:reporting"),
            new AuditLog(new MutableClock(Instant.parse("2026-12-01T12:00:00Z"))));

    @Test
    void grantedOrNullAnswersOnlyForAGrantedRole() {
        assertThat(policy.grantedOrNull("system:serviceaccount:a:x", "plain")).isNotNull()
                .extracting(Role::name).isEqualTo("plain");
        assertThat(policy.grantedOrNull("system:serviceaccount:b:x", "plain")).as("not granted").isNull();
        assertThat(policy.grantedOrNull("system:serviceaccount:a:x", "scoped")).as("granted to another").isNull();
        assertThat(policy.grantedOrNull("system:serviceaccount:a:x", "missing")).as("unknown").isNull();
    }

    @Test
    void authorizeRefusesUnknownAndUngrantedRolesAlikeWithForbidden() {
        assertThat(policy.authorize("apikey:reporting", "scoped", "r1").name()).isEqualTo("scoped");
        BrokerException unknown = catchThrowableOfType(BrokerException.class,
                () -> policy.authorize("apikey:reporting", "missing", "r2"));
        BrokerException ungranted = catchThrowableOfType(BrokerException.class,
                () -> policy.authorize("apikey:reporting", "plain", "r3"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(ungranted.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(unknown.getMessage()).isEqualTo(ungranted.getMessage()).isEqualTo(AccessPolicy.FORBIDDEN_MESSAGE);
    }

    @Test
    void rolesForListsOnlyGrantedRolesAndRoleFindsAny() {
        assertThat(policy.rolesFor("apikey:reporting")).extracting(Role::name).containsExactly("scoped");
        assertThat(policy.rolesFor("apikey:nobody")).isEmpty();
        assertThat(policy.role("plain")).isPresent();
        assertThat(policy.role("missing")).isEmpty();
    }

    @Test
    void aRoleKeepsItsOwnDurationAndPolicyWhenTheCallerAsksForNothing() {
        VendSpec plain = policy.resolve(policy.role("plain").orElseThrow(), Optional.empty(), Optional.empty());
        assertThat(plain.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(plain.sessionPolicy()).isEmpty();
        VendSpec scoped = policy.resolve(policy.role("scoped").orElseThrow(), Optional.empty(), Optional.empty());
        // Policies are kept in their canonical form (SessionPolicy): keys sorted, no whitespace.
        assertThat(scoped.sessionPolicy()).contains(SessionPolicy.canonical(POLICY));
        assertThat(scoped.duration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRequestedDurationMustBeAboveRefreshAheadAndAtMostTheRoles() {
        Role plain = policy.role("plain").orElseThrow();
        // refresh-ahead defaults to 30 minutes: 1801 s is the shortest accepted, 7200 s (the role's) the longest.
        assertThat(policy.resolve(plain, Optional.of(1801L), Optional.empty()).duration()).isEqualTo(Duration.ofSeconds(1801));
        assertThat(policy.resolve(plain, Optional.of(7200L), Optional.empty()).duration()).isEqualTo(Duration.ofHours(2));
        for (long bad : new long[] {1800, 7201, 0, -1}) {
            BrokerException e = catchThrowableOfType(BrokerException.class,
                    () -> policy.resolve(plain, Optional.of(bad), Optional.empty()));
            assertThat(e.code()).as("%d s", bad).isEqualTo(ErrorCode.INVALID_PARAMETER);
            assertThat(e.getMessage()).contains("above 1800").contains("at most 7200");
        }
    }

    @Test
    void aCallerPolicyIsTakenForARoleWithoutOneAndRefusedForARoleWithOne() {
        assertThat(policy.resolve(policy.role("plain").orElseThrow(), Optional.empty(), Optional.of(CALLER_POLICY)).sessionPolicy())
                .contains(SessionPolicy.canonical(CALLER_POLICY));
        BrokerException e = catchThrowableOfType(BrokerException.class, () -> policy.resolve(
                policy.role("scoped").orElseThrow(), Optional.empty(), Optional.of(CALLER_POLICY)));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        BrokerException invalid = catchThrowableOfType(BrokerException.class, () -> policy.resolve(
                policy.role("plain").orElseThrow(), Optional.empty(), Optional.of("not json")));
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(invalid.getMessage()).startsWith("policy: ");
    }

    @Test
    void unknownRoleNamesAreFingerprintedNeverWhole() {
        String f = AccessPolicy.fingerprint("secret-looking-name");
        assertThat(f).startsWith("sec\u2026#").hasSize(3 + 1 + 1 + 8).doesNotContain("looking");
        assertThat(AccessPolicy.fingerprint("ab")).startsWith("ab\u2026#");
        assertThat(AccessPolicy.fingerprint("a\nbcd")).startsWith("a?b\u2026#");
        assertThat(AccessPolicy.fingerprint("x")).isNotEqualTo(AccessPolicy.fingerprint("y"));
    }
}
