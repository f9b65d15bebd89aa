package io.stsbroker.policy;

import io.stsbroker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad role configuration is refused with a message naming the property and the value. */
class RoleCatalogueValidationTest {

    private static final String ROLE = "broker.roles.reader.";

    private static BrokerConfig config(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("broker.sts.provider", "embedded");
        props.put(ROLE + "arn", "acs:ram::1234567890123456:role/reader");
        props.put(ROLE + "allow", "apikey:reporting");
        props.putAll(extra);
        return io.stsbroker.testing.TestConfigs.broker(props);
    }

    @Test
    void validRoleLoadsWithDefaults() {
        RoleCatalogue catalogue = RoleCatalogue.from(config(Map.of()));
        assertThat(catalogue.find("reader")).hasValueSatisfying(r -> {
            assertThat(r.duration()).isEqualTo(Duration.ofHours(1));
            assertThat(r.grants("apikey:reporting")).isTrue();
        });
    }

    @Test
    void durationAcceptsPlainSecondsAndUnits() {
        assertThat(RoleCatalogue.from(config(Map.of(ROLE + "duration", "7200"))).find("reader").get().duration())
                .isEqualTo(Duration.ofHours(2));
        assertThat(RoleCatalogue.from(config(Map.of(ROLE + "duration", "3h"))).find("reader").get().duration())
                .isEqualTo(Duration.ofHours(3));
    }

    @Test
    void malformedArnIsRefusedNamingPropertyAndValue() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "arn", "arn:aws:iam::1:role/x"))))
                .hasMessageContaining("broker.roles.reader.arn").hasMessageContaining("arn:aws:iam::1:role/x");
    }

    @Test
    void durationAboveStsMaximumIsRefused() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "duration", "43201"))))
                .hasMessageContaining("broker.roles.reader.duration").hasMessageContaining("43200");
    }

    @Test
    void durationNotAboveRefreshAheadIsRefused() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "duration", "1800"))))
                .hasMessageContaining("broker.roles.reader.duration").hasMessageContaining("refresh-ahead");
    }

    @Test
    void minRemainingNotBelowRefreshAheadIsRefused() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of("broker.cache.min-remaining", "40m"))))
                .hasMessageContaining("broker.cache.min-remaining");
    }

    @Test
    void policyThatIsNotJsonIsRefused() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "policy", "allow everything"))))
                .hasMessageContaining("broker.roles.reader.policy").hasMessageContaining("JSON");
    }

    @Test
    void policyOver2048CharactersIsRefused() {
        String big = "{\"Version\":\"1\",\"Statement\":[],\"pad\":\"" + "x".repeat(2048) + "\"}";
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "policy", big))))
                .hasMessageContaining("broker.roles.reader.policy").hasMessageContaining("2048");
    }

    @Test
    void malformedExternalIdIsRefused() {
        assertThatThrownBy(() -> RoleCatalogue.from(config(Map.of(ROLE + "external-id", "has spaces in it"))))
                .hasMessageContaining("broker.roles.reader.external-id");
    }

    @Test
    void missingProviderIsNamed() {
        assertThatThrownBy(() -> io.stsbroker.testing.TestConfigs.broker(Map.of()))
                .hasMessageContaining("broker.sts.provider");
    }
}
