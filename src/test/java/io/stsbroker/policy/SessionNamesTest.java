package io.stsbroker.policy;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SessionNamesTest {

    private static final Pattern STS_SESSION_NAME = Pattern.compile("[A-Za-z0-9.@_-]{2,32}");
    private static final String HASH = "-[a-z2-7]{13}";

    @Test
    void serviceAccountBecomesNamespaceDotNameWithHash() {
        assertThat(SessionNames.of("system:serviceaccount:search:indexer")).matches("search\\.indexer" + HASH);
    }

    @Test
    void apiKeyBecomesKeyAtNameWithHash() {
        assertThat(SessionNames.of("apikey:reporting")).matches("key@reporting" + HASH);
    }

    @Test
    void namesAreTheOnesReadmeShows() {
        // Known answers computed outside Java (Python's hashlib and base64.b32encode).
        assertThat(SessionNames.of("system:serviceaccount:search:indexer")).isEqualTo("search.indexer-mfboxd3vnv7kf");
        assertThat(SessionNames.of("apikey:reporting")).isEqualTo("key@reporting-3dd475qne7wu5");
        assertThat(SessionNames.of("system:serviceaccount:search:worker-pool-abcdefgh-30834"))
                .isEqualTo("search.worker-pool-52b4j2ytmozdt");
    }

    @Test
    void nameIsStableAcrossCalls() {
        assertThat(SessionNames.of("apikey:reporting")).isEqualTo(SessionNames.of("apikey:reporting"))
                .isEqualTo(SessionNames.derive("apikey:reporting"));
    }

    @Test
    void lookalikeIdentitiesGetDifferentNames() {
        assertThat(SessionNames.of("apikey:reporting"))
                .isNotEqualTo(SessionNames.of("system:serviceaccount:apikey:reporting"))
                .isNotEqualTo(SessionNames.of("key@reporting"));
    }

    @Test
    void podServiceAccountsThatCollidedInThirtyTwoBitsGetDifferentNames() {
        // These two shared "search.worker-pool-abcd-ee83c4eb" when the name carried 8 hex digits.
        String a = SessionNames.of("system:serviceaccount:search:worker-pool-abcdefgh-30834");
        String b = SessionNames.of("system:serviceaccount:search:worker-pool-abcdefgh-73931");
        assertThat(a).isNotEqualTo(b).matches(STS_SESSION_NAME).startsWith("search.worker-pool-");
        assertThat(b).matches(STS_SESSION_NAME).startsWith("search.worker-pool-");
    }

    @Test
    void longAndOddIdentitiesAreCutAndSanitisedToStsRules() {
        for (String id : new String[] {"x", "", "https://issuer.example/users/ünïcødé name with spaces",
                "system:serviceaccount:a-very-long-namespace-name-indeed:and-an-even-longer-service-account"}) {
            assertThat(SessionNames.of(id)).matches(STS_SESSION_NAME);
        }
    }

    @Test
    void everyCharacterOutsideStsRulesBecomesAnUnderscoreAndTheRestIsKept() {
        // Each character just outside the accepted ranges, beside the ranges' own ends.
        assertThat(SessionNames.derive("`az{AZ[@09:/.-_ ")).startsWith("_az_AZ_@09__.-__-").matches(STS_SESSION_NAME);
    }

    @Test
    void readablePartKeepsEighteenCharactersAndCutsTheNineteenth() {
        assertThat(SessionNames.derive("abcdefghijklmnopqr")).matches("abcdefghijklmnopqr" + HASH).hasSize(32);
        assertThat(SessionNames.derive("abcdefghijklmnopqrs")).matches("abcdefghijklmnopqr" + HASH).hasSize(32);
        assertThat(SessionNames.derive("abcdefghijklmnopq")).matches("abcdefghijklmnopq" + HASH).hasSize(31);
    }

    @Test
    void anIdentityWithNothingReadableIsCalledCaller() {
        assertThat(SessionNames.derive("")).matches("caller" + HASH);
        assertThat(SessionNames.derive("system:serviceaccount:")).matches("caller" + HASH);
        assertThat(SessionNames.derive("apikey:")).matches("key@" + HASH);
        assertThat(SessionNames.derive(":")).matches("_" + HASH);
        assertThat(SessionNames.derive("")).isNotEqualTo(SessionNames.derive("system:serviceaccount:"));
    }

    /**
     * A million random identities behind one long shared prefix (so the readable part is the same
     * for all and only the hash tells them apart) get a million distinct names, each within STS's
     * rules. Seeded: the seed is printed, and {@code -Dsession-names.seed=<n>} replays a run.
     */
    @Test
    void aMillionIdentitiesSharingALongPrefixGetDistinctNames() {
        long seed = Long.getLong("session-names.seed", 20261201L);
        System.out.printf("[session-names] seed %d (replay with -Dsession-names.seed=%d)%n", seed, seed);
        SplittableRandom random = new SplittableRandom(seed);
        String prefix = "system:serviceaccount:search:worker-pool-abcdefgh-";
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
        Map<String, String> identityByName = new HashMap<>(2_000_000);
        int n = 1_000_000;
        char[] suffix = new char[12];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < suffix.length; c++) {
                suffix[c] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String identity = prefix + new String(suffix);
            String name = SessionNames.derive(identity);
            // Plain checks in the loop (an assertion per name would dominate the run time).
            if (name.length() > 32 || !name.startsWith("search.worker-pool-") || i % 1000 == 0 && !STS_SESSION_NAME.matcher(name).matches()) {
                assertThat(name).matches(STS_SESSION_NAME).startsWith("search.worker-pool-");
            }
            String earlier = identityByName.put(name, identity);
            if (earlier != null && !earlier.equals(identity)) {
                // The same random identity drawn twice is no collision; two identities on one name are.
                assertThat(earlier).as("identities sharing the name %s (seed %d)", name, seed).isEqualTo(identity);
            }
        }
        assertThat(identityByName.size()).isGreaterThan(n - 10);
    }
}
