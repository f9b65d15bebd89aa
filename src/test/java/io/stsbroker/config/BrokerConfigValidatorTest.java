package io.stsbroker.config;

import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up refusals of {@link BrokerConfigValidator}: each names the property and its value, and
 * never the value of a secret. (Moved here from the constructors that used to check them.)
 */
class BrokerConfigValidatorTest {

    private static final BrokerConfigValidator.ServerSettings SERVER = BrokerConfigValidator.ServerSettings.defaults(Map.of());

    private static void validate(String... properties) {
        BrokerConfigValidator.validate(TestConfigs.broker(properties), SERVER);
    }

    private static BrokerConfigValidator.ServerSettings server(long maxHeaderBytes, Duration idle, boolean events, String... names) {
        return new BrokerConfigValidator.ServerSettings(maxHeaderBytes, idle, events, List.of(names), name -> Optional.empty());
    }

    /** Quarkus's defaults and these properties (name/value pairs) set outside {@code broker.*}. */
    private static BrokerConfigValidator.ServerSettings with(String... properties) {
        Map<String, String> set = new HashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            set.put(properties[i], properties[i + 1]);
        }
        return BrokerConfigValidator.ServerSettings.defaults(set);
    }

    @Test
    void theDefaultsAreValid() {
        assertThatCode(() -> validate()).doesNotThrowAnyException();
    }

    @Test
    void headerLimitAtOrAboveTheVertxCapStopsStartUpNamingBothProperties() {
        var server = server(32 * 1024, Duration.ofSeconds(15), true);
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.http.max-header-size", "32768"), server))
                .hasMessageContaining("broker.http.max-header-size=32768")
                .hasMessageContaining("quarkus.http.limits.max-header-size");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.http.max-header-size", "0"), server))
                .hasMessageContaining("broker.http.max-header-size=0");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.http.max-header-size", "16384"), server))
                .doesNotThrowAnyException();
    }

    @Test
    void idleTimeoutNotAboveTheRequestTimeoutStopsStartUpNamingBothProperties() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.http.max-header-size", "16384"),
                server(32 * 1024, Duration.ofSeconds(8), true)))
                .hasMessageContaining("quarkus.http.idle-timeout=PT8S")
                .hasMessageContaining("broker.request-timeout (PT8S)");
    }

    @Test
    void anHttpPermissionPolicyIsNamedAsConflictingWithTheWarmRoute() {
        assertThat(BrokerConfigValidator.firstHttpPermission(List.of("broker.roles.x.arn", "quarkus.http.port"))).isEmpty();
        assertThat(BrokerConfigValidator.firstHttpPermission(List.of("quarkus.http.port",
                "quarkus.http.auth.permission.deny-creds.paths"))).contains("quarkus.http.auth.permission.deny-creds.paths");
        var server = server(20 * 1024, Duration.ofMinutes(30), true, "quarkus.http.auth.permission.deny-creds.paths");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), server))
                .hasMessageContaining("quarkus.http.auth.permission.deny-creds.paths").hasMessageContaining("broker.http.warm-route");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.http.warm-route", "false"), server))
                .doesNotThrowAnyException();
    }

    @Test
    void negativeOrOversizedSkewsStopStartUpNamingTheProperty() {
        assertThatThrownBy(() -> validate("broker.auth.expiry-skew", "-1s"))
                .hasMessageContaining("broker.auth.expiry-skew=PT-1S");
        assertThatThrownBy(() -> validate("broker.auth.issued-at-skew", "1h"))
                .hasMessageContaining("broker.auth.issued-at-skew=PT1H");
    }

    @Test
    void negativeFailureLimitStopsStartUp() {
        assertThatThrownBy(() -> validate("broker.auth.max-failures-per-minute", "-1"))
                .hasMessageContaining("broker.auth.max-failures-per-minute=-1");
    }

    @Test
    void aFailureLimitWithoutSecurityEventsStopsStartUpUnlessSwitchedOff() {
        var noEvents = server(20 * 1024, Duration.ofMinutes(30), false);
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), noEvents))
                .hasMessageContaining("broker.auth.max-failures-per-minute=60")
                .hasMessageContaining("quarkus.security.events.enabled");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker("broker.auth.max-failures-per-minute", "0"), noEvents))
                .doesNotThrowAnyException();
    }

    @Test
    void plainKeyConfiguredInsteadOfDigestIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> validate("broker.api-keys.reporting", "my-plain-secret-key"))
                .hasMessageContaining("broker.api-keys.reporting")
                .hasMessageNotContaining("my-plain-secret-key");
    }

    @Test
    void blankAdminPatternStopsStartUp() {
        assertThatThrownBy(() -> validate("broker.admin.allow[0]", " "))
                .hasMessageContaining("broker.admin.allow");
    }

    @Test
    void nonPositivePollIntervalStopsStartUpWhenARolesFileIsSet() {
        assertThatThrownBy(() -> validate("broker.roles-file", "/etc/roles.yaml", "broker.roles-file-poll-interval", "0s"))
                .hasMessageContaining("broker.roles-file-poll-interval");
        assertThatCode(() -> validate("broker.roles-file-poll-interval", "0s")).doesNotThrowAnyException();
    }

    @Test
    void invalidMintSettingsNameTheProperty() {
        assertThatThrownBy(() -> validate("broker.rate-limit.mints-per-caller", "0"))
                .hasMessageContaining("broker.rate-limit.mints-per-caller").hasMessageContaining("'0'");
        assertThatThrownBy(() -> validate("broker.cache.max-variants-per-caller", "-2"))
                .hasMessageContaining("broker.cache.max-variants-per-caller").hasMessageContaining("'-2'");
    }

    @Test
    void invalidUpstreamSettingsNameTheProperty() {
        assertThatThrownBy(() -> validate("broker.sts.max-attempts", "0"))
                .hasMessageContaining("broker.sts.max-attempts='0'");
        assertThatThrownBy(() -> validate("broker.sts.retry-backoff", "0s"))
                .hasMessageContaining("broker.sts.retry-backoff='PT0S'");
        assertThatThrownBy(() -> validate("broker.sts.max-calls-per-second", "0"))
                .hasMessageContaining("broker.sts.max-calls-per-second").hasMessageContaining("'0'");
        assertThatThrownBy(() -> validate("broker.sts.budget-wait", "-1s"))
                .hasMessageContaining("broker.sts.budget-wait");
        assertThatThrownBy(() -> validate("broker.cache.failure-ttl", "-1s"))
                .hasMessageContaining("broker.cache.failure-ttl='PT-1S'");
    }

    @Test
    void invalidRateLimitsNameTheProperty() {
        assertThatThrownBy(() -> validate("broker.rate-limit.per-caller", "0"))
                .hasMessageContaining("broker.rate-limit.per-caller").hasMessageContaining("'0'");
        assertThatThrownBy(() -> validate("broker.rate-limit.callers.\"apikey:x\"", "0"))
                .hasMessageContaining("broker.rate-limit.callers.\"apikey:x\"");
        assertThatThrownBy(() -> validate("broker.roles.r.arn", "acs:ram::1:role/r", "broker.roles.r.rate-limit", "0"))
                .hasMessageContaining("broker.roles.r.rate-limit");
        assertThatThrownBy(() -> validate("broker.rate-limit.max-callers", "0"))
                .hasMessageContaining("broker.rate-limit.max-callers");
    }

    @Test
    void aJwtKeyWithoutIssuerOrAudiencesStopsStartUpNamingTheMissingOne() {
        BrokerConfig config = TestConfigs.broker();
        assertThatThrownBy(() -> BrokerConfigValidator.validate(config, with(
                "mp.jwt.verify.publickey.location", "file:/keys/jwks.json", "mp.jwt.verify.audiences", "sts-broker")))
                .hasMessageContaining("mp.jwt.verify.issuer");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(config, with(
                "mp.jwt.verify.publickey", "{}", "mp.jwt.verify.issuer", "https://issuer")))
                .hasMessageContaining("mp.jwt.verify.audiences");
        assertThatCode(() -> BrokerConfigValidator.validate(config, with("mp.jwt.verify.publickey.location", "file:/k",
                "mp.jwt.verify.issuer", "https://issuer", "mp.jwt.verify.audiences", "sts-broker")))
                .doesNotThrowAnyException();
    }

    @Test
    void smallRyesOwnSkewsStopStartUpPointingAtTheBrokersOwn() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("mp.jwt.verify.clock.skew", "30")))
                .hasMessageContaining("mp.jwt.verify.clock.skew=30").hasMessageContaining("broker.auth.expiry-skew");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("smallrye.jwt.expiration.grace", "5")))
                .hasMessageContaining("smallrye.jwt.expiration.grace=5");
    }
}
