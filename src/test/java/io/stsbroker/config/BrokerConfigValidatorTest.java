package io.stsbroker.config;

import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
        return new BrokerConfigValidator.ServerSettings(maxHeaderBytes, idle, events, List.of(names), name -> Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Quarkus's defaults with this {@code quarkus.shutdown.timeout}. */
    private static BrokerConfigValidator.ServerSettings shutdownTimeout(Duration timeout) {
        return new BrokerConfigValidator.ServerSettings(20 * 1024, Duration.ofMinutes(30), true, List.of(),
                name -> Optional.empty(), Optional.of(timeout), Optional.empty());
    }

    /** The message validation stops with, or null when the configuration is valid. */
    private static String problem(BrokerConfig config) {
        return problem(config, SERVER);
    }

    private static String problem(BrokerConfig config, BrokerConfigValidator.ServerSettings server) {
        try {
            BrokerConfigValidator.validate(config, server);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
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

    /** Moved from policy.CallerRateLimiterTest, whose constructor no longer repeats these checks. */
    @Test
    void badLimitsStopStartUpNamingTheProperty() {
        assertThat(problem(TestConfigs.broker("broker.rate-limit.per-caller", "0")))
                .contains("broker.rate-limit.per-caller").contains("'0'");
        assertThat(problem(TestConfigs.broker("broker.rate-limit.callers.\"apikey:x\"", "-1")))
                .contains("broker.rate-limit.callers.\"apikey:x\"");
        assertThat(problem(TestConfigs.broker("broker.roles.r.arn", "acs:ram::1:role/r", "broker.roles.r.rate-limit", "0")))
                .contains("broker.roles.r.rate-limit");
        assertThat(problem(TestConfigs.broker("broker.rate-limit.max-callers", "0"))).contains("broker.rate-limit.max-callers");
    }

    /** Moved from vending.UpstreamBudgetTest, whose constructor no longer repeats these checks. */
    @Test
    void invalidBudgetSettingsNameTheProperty() {
        assertThat(problem(TestConfigs.broker("broker.sts.max-calls-per-second", "0")))
                .contains("broker.sts.max-calls-per-second").contains("'0'");
        assertThat(problem(TestConfigs.broker("broker.sts.budget-wait", "-1s")))
                .contains("broker.sts.budget-wait");
        assertThat(problem(TestConfigs.broker("broker.sts.max-calls-per-second", "1", "broker.sts.budget-wait", "0s"))).isNull();
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
    void tracingForcedOnWithoutAnEndpointStopsStartUpUnlessTheOtlpExporterIsOff() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.sdk.disabled", "false")))
                .hasMessageContaining("quarkus.otel.sdk.disabled=false")
                .hasMessageContaining("quarkus.otel.exporter.otlp.endpoint");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.endpoint", "http://collector:4317"))).doesNotThrowAnyException();
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.enabled", "false"))).doesNotThrowAnyException();
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.sdk.disabled", "true")))
                .doesNotThrowAnyException();
    }

    @Test
    void anOtlpEndpointThatIsNotAnHttpUrlStopsStartUpNamingTheProperty() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(),
                with("quarkus.otel.exporter.otlp.endpoint", "collector:4317")))
                .hasMessageContaining("quarkus.otel.exporter.otlp.endpoint=collector:4317");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(),
                with("quarkus.otel.exporter.otlp.traces.endpoint", "ftp://collector/")))
                .hasMessageContaining("quarkus.otel.exporter.otlp.traces.endpoint=ftp://collector/");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(),
                with("quarkus.otel.exporter.otlp.traces.endpoint", "https://otel.example:4318/v1/traces")))
                .doesNotThrowAnyException();
    }

    @Test
    void endUserSpanAttributesStopStartUpAsTheyWouldExportCallerIdentities() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.traces.eusp.enabled", "true")))
                .hasMessageContaining("quarkus.otel.traces.eusp.enabled=true");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("quarkus.otel.traces.eusp.enabled", "false")))
                .doesNotThrowAnyException();
    }

    @Test
    void smallRyesOwnSkewsStopStartUpPointingAtTheBrokersOwn() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("mp.jwt.verify.clock.skew", "30")))
                .hasMessageContaining("mp.jwt.verify.clock.skew=30").hasMessageContaining("broker.auth.expiry-skew");
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), with("smallrye.jwt.expiration.grace", "5")))
                .hasMessageContaining("smallrye.jwt.expiration.grace=5");
    }

    @Test
    void aShutdownTimeoutNotAboveTheRequestTimeoutStopsStartUpNamingBothProperties() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(TestConfigs.broker(), shutdownTimeout(Duration.ofSeconds(8))))
                .hasMessageContaining("quarkus.shutdown.timeout=PT8S")
                .hasMessageContaining("broker.request-timeout (PT8S)");
        assertThatCode(() -> BrokerConfigValidator.validate(TestConfigs.broker(), shutdownTimeout(Duration.ofSeconds(10))))
                .doesNotThrowAnyException();
    }

    // --- broker.sts.endpoint (moved checks of UpstreamBudget are in invalidUpstreamSettingsNameTheProperty) ---

    @Test
    void plainHttpStsEndpointOffTheLoopbackIsRefusedNamingIt() {
        assertThatThrownBy(() -> validate("broker.sts.provider", "alibaba", "broker.sts.endpoint", "http://sts.aliyuncs.com"))
                .hasMessageContaining("broker.sts.endpoint=http://sts.aliyuncs.com").hasMessageContaining("loopback");
        assertThatThrownBy(() -> validate("broker.sts.provider", "alibaba", "broker.sts.endpoint", "http://10.0.0.7:8090"))
                .hasMessageContaining("broker.sts.endpoint=http://10.0.0.7:8090");
        assertThatThrownBy(() -> validate("broker.sts.provider", "alibaba", "broker.sts.endpoint", "http://128.0.0.1"))
                .hasMessageContaining("broker.sts.endpoint=http://128.0.0.1");
        assertThatThrownBy(() -> validate("broker.sts.provider", "alibaba", "broker.sts.endpoint", "http://127.0.0.1.example.com"))
                .hasMessageContaining("broker.sts.endpoint=http://127.0.0.1.example.com");
    }

    @Test
    void plainHttpStsEndpointOnTheLoopbackOrHttpsAnywhereIsAccepted() {
        for (String endpoint : List.of("http://127.0.0.1:8090", "http://127.3.4.5", "http://localhost:9000", "http://[::1]:8090",
                "https://sts.aliyuncs.com", "https://10.0.0.7:8443")) {
            assertThatCode(() -> validate("broker.sts.provider", "alibaba", "broker.sts.endpoint", endpoint))
                    .as(endpoint).doesNotThrowAnyException();
        }
        // The embedded STS does not use the endpoint.
        assertThatCode(() -> validate("broker.sts.provider", "embedded", "broker.sts.endpoint", "http://sts.aliyuncs.com"))
                .doesNotThrowAnyException();
    }

    // --- broker.audit (moved from audit.AuditHandlersTest) ---

    @Test
    void noBackupsAreRefusedNamingTheProperty(@TempDir Path dir) {
        assertThatThrownBy(() -> validate("broker.audit.file", dir.resolve("audit.log").toString(), "broker.audit.file-backups", "0"))
                .hasMessageContaining("broker.audit.file-backups=0");
    }

    @Test
    void aSizeBelowOneRecordIsRefusedNamingTheProperty(@TempDir Path dir) {
        assertThatThrownBy(() -> validate("broker.audit.file", dir.resolve("audit.log").toString(), "broker.audit.file-max-size", "100"))
                .hasMessageContaining("broker.audit.file-max-size=100");
    }

    // --- broker.usage (moved from usage.ReplicaUsageTest) ---

    @Test
    void badUsageSettingsAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> validate("broker.usage.window", "90s"))
                .hasMessageContaining("broker.usage.window=PT1M30S");
        assertThatThrownBy(() -> validate("broker.usage.window", "25h"))
                .hasMessageContaining("broker.usage.window=PT25H");
        assertThatThrownBy(() -> validate("broker.usage.max-callers", "0"))
                .hasMessageContaining("broker.usage.max-callers=0");
    }

    // --- broker.cluster (moved from cluster.ClusterSettingsTest) ---

    private static final String KEY = Base64.getEncoder().encodeToString(random(32));
    private static final String SECRET = Base64.getEncoder().encodeToString(random(32));
    private static final BrokerConfigValidator.ServerSettings REDIS = with("quarkus.redis.hosts", "redis://127.0.0.1:6379");

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    private static BrokerConfig cluster(String... props) {
        String[] all = new String[props.length + 6];
        all[0] = "broker.cluster.enabled";
        all[1] = "true";
        all[2] = "broker.cluster.encryption-key";
        all[3] = KEY;
        all[4] = "broker.cluster.key-secret";
        all[5] = SECRET;
        System.arraycopy(props, 0, all, 6, props.length);
        return TestConfigs.broker(all);
    }

    private static void validateCluster(BrokerConfig config) {
        BrokerConfigValidator.validate(config, REDIS);
    }

    @Test
    void validClusterSettingsAreAccepted() {
        assertThatCode(() -> validateCluster(cluster())).doesNotThrowAnyException();
    }

    @Test
    void missingRedisHostsStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> BrokerConfigValidator.validate(cluster(), SERVER))
                .hasMessageContaining("quarkus.redis.hosts");
    }

    @Test
    void missingEncryptionKeyStopsStartUpNamingTheSetting() {
        BrokerConfig c = TestConfigs.broker("broker.cluster.enabled", "true", "broker.cluster.key-secret", SECRET);
        assertThatThrownBy(() -> validateCluster(c))
                .hasMessageContaining("broker.cluster.encryption-key");
    }

    @Test
    void shortEncryptionKeyIsRefusedWithoutPrintingIt() {
        String shortKey = Base64.getEncoder().encodeToString(random(16));
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.encryption-key", shortKey)))
                .hasMessageContaining("broker.cluster.encryption-key").hasMessageContaining("16 bytes")
                .message().doesNotContain(shortKey);
    }

    @Test
    void keySecretThatIsNotBase64IsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.key-secret", "hunter2!!not-base64")))
                .hasMessageContaining("broker.cluster.key-secret").message().doesNotContain("hunter2");
    }

    @Test
    void keySecretEqualToTheEncryptionKeyIsContradictory() {
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.key-secret", KEY)))
                .hasMessageContaining("broker.cluster.key-secret").message().doesNotContain(KEY);
    }

    @Test
    void currentKeyListedAsPreviousIsContradictory() {
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.previous-encryption-keys", KEY)))
                .hasMessageContaining("broker.cluster.previous-encryption-keys").message().doesNotContain(KEY);
    }

    @Test
    void lockShorterThanTheRequestTimeoutIsRefused() {
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.lock-ttl", "5s")))
                .hasMessageContaining("broker.cluster.lock-ttl='PT5S'");
    }

    @Test
    void budgetAndReplicasMustBePositive() {
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.max-calls-per-second", "0")))
                .hasMessageContaining("broker.cluster.max-calls-per-second='0'");
        assertThatThrownBy(() -> validateCluster(cluster("broker.cluster.max-replicas", "0")))
                .hasMessageContaining("broker.cluster.max-replicas='0'");
    }

    // --- broker.injector (moved from api.admission.InjectorSettingsTest) ---

    private static final String[] INJECTOR_ENABLED = {"broker.injector.enabled", "true",
            "broker.injector.broker-url", "https://sts-broker.sts-broker.svc",
            "broker.injector.sidecar-image", "registry.example/sidecar:1"};

    private static BrokerConfig injector(String... more) {
        String[] all = new String[INJECTOR_ENABLED.length + more.length];
        System.arraycopy(INJECTOR_ENABLED, 0, all, 0, INJECTOR_ENABLED.length);
        System.arraycopy(more, 0, all, INJECTOR_ENABLED.length, more.length);
        return TestConfigs.broker(all);
    }

    @Test
    void injectorDefaultsNeedNothing() {
        assertThat(problem(TestConfigs.broker())).isNull();
        assertThat(TestConfigs.broker().injector().enabled()).isFalse();
        assertThat(TestConfigs.broker().injector().only()).isFalse();
    }

    @Test
    void injectorOnlyWithProviderNoneAndNoApiKeysIsAccepted() {
        assertThat(problem(injector("broker.injector.only", "true", "broker.sts.provider", "none"))).isNull();
    }

    @Test
    void injectorOnlyWithAnStsProviderIsRefusedNamingIt() {
        assertThat(problem(injector("broker.injector.only", "true", "broker.sts.provider", "alibaba")))
                .contains("broker.sts.provider=alibaba").contains("broker.sts.provider=none");
    }

    @Test
    void providerNoneWithoutInjectorOnlyIsRefused() {
        assertThat(problem(TestConfigs.broker("broker.sts.provider", "none")))
                .contains("broker.sts.provider=none").contains("broker.injector.only=true");
    }

    @Test
    void injectorOnlyWithApiKeysIsRefusedWithoutPrintingThem() {
        String digest = "9".repeat(64);
        String problem = problem(injector("broker.injector.only", "true", "broker.sts.provider", "none",
                "broker.api-keys.ci", digest));

        assertThat(problem).contains("broker.api-keys").contains("1 name(s)").doesNotContain(digest);
    }

    @Test
    void injectorOnlyWithoutEnabledIsRefused() {
        assertThat(problem(TestConfigs.broker("broker.injector.only", "true", "broker.sts.provider", "none")))
                .contains("broker.injector.only=true").contains("broker.injector.enabled=true");
    }

    @Test
    void injectorEnabledWithoutBrokerUrlOrImageOrWithBadValuesIsRefusedNamingTheProperty() {
        assertThat(problem(TestConfigs.broker("broker.injector.enabled", "true",
                "broker.injector.sidecar-image", "i:1"))).contains("broker.injector.broker-url=");
        assertThat(problem(TestConfigs.broker("broker.injector.enabled", "true",
                "broker.injector.broker-url", "https://b"))).contains("broker.injector.sidecar-image=");
        assertThat(problem(injector("broker.injector.broker-url", "ftp://b"))).contains("broker.injector.broker-url=ftp://b");
        assertThat(problem(injector("broker.injector.sidecar-port", "80"))).contains("broker.injector.sidecar-port=80");
        assertThat(problem(injector("broker.injector.max-body-size", "1024"))).contains("broker.injector.max-body-size=1024");
    }
}
