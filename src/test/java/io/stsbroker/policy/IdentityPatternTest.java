package io.stsbroker.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityPatternTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "apikey:reporting, apikey:reporting, true",
            "apikey:reporting, apikey:reporting2, false",
            "system:serviceaccount:search:*, system:serviceaccount:search:indexer, true",
            "system:serviceaccount:search:*, system:serviceaccount:search:, true",
            "system:serviceaccount:search:*, system:serviceaccount:other:indexer, false",
            "system:serviceaccount:search:*, system:serviceaccount:search:a:b, false",
            "system:serviceaccount:*:indexer, system:serviceaccount:search:indexer, true",
            "system:serviceaccount:*:indexer, system:serviceaccount:search:reader, false",
            "apikey:team-*, apikey:team-a, true",
            "apikey:team-*, apikey:other, false",
            "a.b, axb, false",
            "*, apikey:reporting, false",
            "*:*, apikey:reporting, true",
    })
    void starMatchesAnyRunOfCharactersExceptColon(String pattern, String identity, boolean expected) {
        assertThat(IdentityPattern.of(pattern).matches(identity)).isEqualTo(expected);
    }
}
