package io.stsbroker.auth;

import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testing.MutableClock;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who the warm route may answer without the full authentication: a configured API key, or a JWT
 * verified before and still within its {@code exp} (auth/TokenTimes, on a controlled clock here); never a request with two
 * {@code Authorization} headers, from an address over its failure limit, or with an oversized,
 * unknown or differently-schemed token. Unit level, on a controlled clock.
 */
class TokenCheckerTest {

    private static final String KEY = "known-callers-key";
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YTpiIn0.c2lnbmF0dXJl";
    private static final Caller SA = new Caller("system:serviceaccount:a:b", Caller.Kind.JWT);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final BrokerConfig config = FakeRequests.config(
            "broker.api-keys.reporting", HexFormat.of().formatHex(ApiKeyRegistry.sha256(KEY)),
            "broker.auth.max-failures-per-minute", "1",
            "broker.auth.max-token-length", "200");
    private final AuthFailureLimiter failures = new AuthFailureLimiter(config, clock);
    private final VerifiedTokens verified = new VerifiedTokens(config, new TokenTimes(Duration.ZERO, Duration.ofSeconds(60), clock));
    private final TokenChecker callers = new TokenChecker(new ApiKeyRegistry(config), verified, failures, config);

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    /** A verified identity as SmallRye JWT and JwtCallerAugmentor leave it, expiring at {@code exp}. */
    private static QuarkusSecurityIdentity identity(Caller caller, Instant exp) {
        Map<String, Object> claims = Map.of("sub", caller.identity(), "exp", exp.getEpochSecond());
        JsonWebToken jwt = new JsonWebToken() {
            @Override
            public String getName() {
                return caller.identity();
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
        return QuarkusSecurityIdentity.builder().setPrincipal(jwt).addAttribute(Caller.ATTRIBUTE, caller).build();
    }

    @Test
    void aConfiguredApiKeyIsKnownAndAnUnknownOneIsNot() {
        assertThat(callers.find(FakeRequests.from("10.0.0.1", "Authorization", bearer(KEY))))
                .isEqualTo(new Caller("apikey:reporting", Caller.Kind.API_KEY));
        assertThat(callers.find(FakeRequests.from("10.0.0.1", "Authorization", bearer("other-key")))).isNull();
        assertThat(callers.find(FakeRequests.from("10.0.0.1", "Authorization", "Basic " + KEY))).isNull();
        assertThat(callers.find(FakeRequests.from("10.0.0.1"))).isNull();
    }

    @Test
    void twoAuthorizationHeadersAreNeverKnownEvenWhenBothAreValid() {
        assertThat(callers.find(FakeRequests.from("10.0.0.2", "Authorization", bearer(KEY), "Authorization", bearer(KEY))))
                .isNull();
        verified.remember(JWT, identity(SA, clock.instant().plusSeconds(600)), (clock.instant().plusSeconds(600)).getEpochSecond(), "verifying-key");
        assertThat(callers.find(FakeRequests.from("10.0.0.2", "Authorization", bearer(JWT), "Authorization", bearer(JWT))))
                .isNull();
        assertThat(callers.find(FakeRequests.from("10.0.0.2", "Authorization", bearer(JWT)))).isEqualTo(SA);
    }

    @Test
    void anAddressOverItsFailureLimitIsNeverKnownWhileOthersAre() {
        failures.recordFailure(FakeRequests.from("10.0.0.3", "Authorization", bearer("guess")));
        assertThat(callers.find(FakeRequests.from("10.0.0.3", "Authorization", bearer(KEY)))).isNull();
        assertThat(callers.find(FakeRequests.from("10.0.0.4", "Authorization", bearer(KEY)))).isNotNull();
        clock.advance(Duration.ofMinutes(1));
        assertThat(callers.find(FakeRequests.from("10.0.0.3", "Authorization", bearer(KEY)))).isNotNull();
    }

    @Test
    void aTokenLongerThanTheLimitIsNotKnown() {
        String longJwt = JWT + "x".repeat(200);
        verified.remember(longJwt, identity(SA, clock.instant().plusSeconds(600)), (clock.instant().plusSeconds(600)).getEpochSecond(), "verifying-key");
        assertThat(callers.find(FakeRequests.from("10.0.0.5", "Authorization", bearer(longJwt)))).isNull();
    }

    @Test
    void aVerifiedJwtIsKnownUntilItsExpAndNotAfter() {
        Instant exp = clock.instant().plusSeconds(600);
        assertThat(callers.find(FakeRequests.from("10.0.0.6", "Authorization", bearer(JWT)))).as("never verified").isNull();
        verified.remember(JWT, identity(SA, exp), (exp).getEpochSecond(), "verifying-key");
        assertThat(callers.find(FakeRequests.from("10.0.0.6", "Authorization", bearer(JWT)))).isEqualTo(SA);
        assertThat(verified.hits()).isEqualTo(1);
        // Another token with the same subject was never verified: not known.
        assertThat(callers.find(FakeRequests.from("10.0.0.6", "Authorization", bearer(JWT.replace("c2ln", "c2lo"))))).isNull();

        clock.advance(Duration.ofSeconds(599));
        assertThat(callers.find(FakeRequests.from("10.0.0.6", "Authorization", bearer(JWT)))).as("a second before exp").isEqualTo(SA);
        clock.advance(Duration.ofSeconds(1));
        assertThat(callers.find(FakeRequests.from("10.0.0.6", "Authorization", bearer(JWT)))).as("at exp").isNull();
        assertThat(verified.hits()).isEqualTo(2);
    }

    @Test
    void aTokenWithoutCallerOrVerifyingKeyOrPastItsExpIsNotRemembered() {
        long exp = clock.instant().plusSeconds(600).getEpochSecond();
        verified.remember(JWT, QuarkusSecurityIdentity.builder().setPrincipal(() -> "x").build(), exp, "verifying-key");
        assertThat(verified.find(JWT)).isNull();
        verified.remember(JWT, identity(SA, clock.instant().plusSeconds(600)), exp, null);
        assertThat(verified.find(JWT)).isNull();
        verified.remember(JWT, identity(SA, Instant.EPOCH), Instant.EPOCH.getEpochSecond(), "verifying-key");
        assertThat(verified.find(JWT)).isNull();
    }

    @Test
    void clearForgetsEveryVerifiedToken() {
        verified.remember(JWT, identity(SA, clock.instant().plusSeconds(600)), (clock.instant().plusSeconds(600)).getEpochSecond(), "verifying-key");
        verified.clear();
        assertThat(verified.find(JWT)).isNull();
    }

    @Test
    void aZeroSizedCacheRemembersNothing() {
        VerifiedTokens off = new VerifiedTokens(FakeRequests.config("broker.auth.verified-token-cache-size", "0"),
                new TokenTimes(Duration.ZERO, Duration.ofSeconds(60), clock));
        off.remember(JWT, identity(SA, clock.instant().plusSeconds(600)), (clock.instant().plusSeconds(600)).getEpochSecond(), "verifying-key");
        assertThat(off.find(JWT)).isNull();
        off.clear();
    }
}
