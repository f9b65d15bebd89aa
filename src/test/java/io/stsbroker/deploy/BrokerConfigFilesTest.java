package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the role catalogue ConfigMap and the generated Secret hand to the broker: a roles file it
 * will accept, and API keys only as SHA-256 digests.
 */
class BrokerConfigFilesTest {

    static final Pattern ARN = Pattern.compile("acs:ram::\\d{1,32}:role/[A-Za-z0-9.@_-]{1,64}");
    static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    static final String DEV_KEY_DIGEST = sha256Hex("dev-key");
    /** broker.cache.refresh-ahead's default: a role's duration must be above it. */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(30);

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void roleCatalogueHoldsOnlyRolesTheBrokerWillAccept(String dir) {
        JsonNode roles = catalogue(dir).path("roles");

        roles.fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode role = e.getValue();
            assertThat(name).matches("[A-Za-z0-9._-]{1,64}");
            assertThat(role.path("arn").asText()).as(name).matches(ARN);
            Duration d = role.has("duration") ? duration(role.get("duration").asText()) : Duration.ofHours(1);
            assertThat(d).as("%s duration", name).isGreaterThan(REFRESH_AHEAD).isLessThanOrEqualTo(Duration.ofHours(12));
            assertThat(role.path("allow").isArray() && !role.path("allow").isEmpty()).as("%s grants someone", name).isTrue();
            // A bare "*" would hand the role to every authenticated caller.
            role.path("allow").forEach(a -> assertThat(a.asText()).as(name).matches("\\S+").isNotEqualTo("*"));
            if (role.has("policy")) {
                assertThat(role.get("policy").asText().length()).isLessThanOrEqualTo(2048);
            }
        });
    }

    @Test
    void baseCatalogueIsEmptySoNobodyGetsCredentialsByDefault() {
        assertThat(catalogue("k8s/base").path("roles").isEmpty()).isTrue();
        assertThat(apiKeys("k8s/base")).isEmpty();
    }

    /** broker.roles-file holds one key, roles: API keys and the provider have their own places. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void catalogueFileHoldsOnlyRoles(String dir) {
        List<String> keys = new ArrayList<>();
        catalogue(dir).fieldNames().forEachRemaining(keys::add);

        assertThat(keys).containsExactly("roles");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void apiKeysAreSha256DigestsNeverPlainKeys(String dir) {
        apiKeys(dir).forEach((key, value) -> {
            assertThat(key).matches("broker\\.api-keys\\.[a-z0-9][a-z0-9-]*");
            for (String digest : value.split(",")) {
                assertThat(digest.strip()).as(key).matches(DIGEST);
            }
        });
    }

    @Test
    void theWellKnownDevKeyWorksInDevAndNowhereElse() {
        assertThat(apiKeys("k8s/overlays/dev")).containsEntry("broker.api-keys.dev", DEV_KEY_DIGEST);
        assertThat(apiKeys("k8s/overlays/prod").values()).noneMatch(v -> v.contains(DEV_KEY_DIGEST));
        assertThat(apiKeys("k8s/base").values()).noneMatch(v -> v.contains(DEV_KEY_DIGEST));
    }

    @Test
    void exampleCallerIsGrantedTheRoleItAsksForInEveryEnvironment() {
        for (String dir : List.of("k8s/overlays/dev", "k8s/overlays/prod")) {
            JsonNode allow = catalogue(dir).path("roles").path(CallerExampleTest.ROLE).path("allow");
            List<String> identities = new ArrayList<>();
            allow.forEach(a -> identities.add(a.asText()));
            assertThat(identities).as(dir).contains(CallerExampleTest.identity());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    static JsonNode catalogue(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        ConfigMap cm = Manifests.named(objects, ConfigMap.class, "sts-broker-roles").orElseThrow();
        assertThat(cm.getData()).containsOnlyKeys("roles.yaml");
        try {
            JsonNode tree = new YAMLMapper().readTree(cm.getData().get("roles.yaml"));
            assertThat(tree).as("%s roles.yaml is a YAML mapping", dir).isNotNull();
            return tree;
        } catch (IOException e) {
            throw new AssertionError(dir + ": roles.yaml is not YAML: " + e.getMessage(), e);
        }
    }

    static Map<Object, Object> apiKeysRaw(String dir) {
        Secret s = Manifests.all(Manifests.render(dir), Secret.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("sts-broker-api-keys-")).findFirst().orElseThrow();
        assertThat(s.getData()).containsOnlyKeys("application.properties");
        String text = new String(Base64.getMimeDecoder().decode(s.getData().get("application.properties")), StandardCharsets.UTF_8);
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    static Map<String, String> apiKeys(String dir) {
        Map<String, String> out = new java.util.TreeMap<>();
        apiKeysRaw(dir).forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    /** SmallRye's Duration forms: ISO-8601, or a number with an optional ms/s/m/h/d unit (seconds by default). */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(text.strip());
        if (!m.matches()) {
            return Duration.parse(text.strip());
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
