package io.stsbroker.policy;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SessionNamesTest {

    private static final Pattern STS_SESSION_NAME = Pattern.compile("[A-Za-z0-9.@_-]{2,32}");

    @Test
    void serviceAccountBecomesNamespaceDotNameWithHash() {
        assertThat(SessionNames.of("system:serviceaccount:search:indexer")).matches("search\\.indexer-[0-9a-f]{8}");
    }

    @Test
    void apiKeyBecomesKeyAtNameWithHash() {
        assertThat(SessionNames.of("apikey:reporting")).matches("key@reporting-[0-9a-f]{8}");
    }

    @Test
    void nameIsStableAcrossCalls() {
        assertThat(SessionNames.of("apikey:reporting")).isEqualTo(SessionNames.of("apikey:reporting"));
    }

    @Test
    void lookalikeIdentitiesGetDifferentNames() {
        assertThat(SessionNames.of("apikey:reporting"))
                .isNotEqualTo(SessionNames.of("system:serviceaccount:apikey:reporting"))
                .isNotEqualTo(SessionNames.of("key@reporting"));
    }

    @Test
    void longAndOddIdentitiesAreCutAndSanitisedToStsRules() {
        for (String id : new String[] {"x", "", "https://issuer.example/users/ünïcødé name with spaces",
                "system:serviceaccount:a-very-long-namespace-name-indeed:and-an-even-longer-service-account"}) {
            assertThat(SessionNames.of(id)).matches(STS_SESSION_NAME);
        }
    }
}
