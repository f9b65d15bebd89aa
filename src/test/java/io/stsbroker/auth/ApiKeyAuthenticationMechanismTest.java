package io.stsbroker.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.testing.MutableClock;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cheap checks come before any costly one: a token that is too long or not base64url, and any
 * token from an address over its failure limit, never reach hashing (the identity providers) nor
 * JWT verification (the next mechanism, reached only when this one answers "no credentials").
 */
class ApiKeyAuthenticationMechanismTest {

    private final AtomicInteger lookups = new AtomicInteger();
    private final IdentityProviderManager identities = (IdentityProviderManager) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {IdentityProviderManager.class}, (p, m, args) -> {
                if (m.getName().equals("authenticate")) {
                    lookups.incrementAndGet();
                    return Uni.createFrom().failure(new AuthenticationFailedException("unknown API key"));
                }
                throw new UnsupportedOperationException(m.getName());
            });
    private final AuthFailureLimiter limiter = new AuthFailureLimiter(
            FakeRequests.config("broker.auth.max-failures-per-minute", "2"), new MutableClock());
    private final ApiKeyAuthenticationMechanism mechanism = new ApiKeyAuthenticationMechanism(new TokenChecker(
            new ApiKeyRegistry(FakeRequests.config()), new VerifiedTokens(FakeRequests.config(),
            new TokenTimes(java.time.Duration.ZERO, java.time.Duration.ofSeconds(60), new MutableClock())), limiter,
            FakeRequests.config()));

    private enum Result { DELEGATED_TO_JWT, IDENTITY }

    /** The identity outcome, or the failure the mechanism answered with. */
    private Object outcome(RoutingContext ctx) {
        try {
            SecurityIdentity id = mechanism.authenticate(ctx, identities).await().indefinitely();
            return id == null ? Result.DELEGATED_TO_JWT : Result.IDENTITY;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static RoutingContext bearer(String token) {
        return FakeRequests.from("10.1.0.1", "Authorization", "Bearer " + token);
    }

    @Test
    void tokenOverEightKilobytesFailsWithoutLookupOrJwtVerification() {
        assertThat(outcome(bearer("k".repeat(8193)))).isInstanceOf(AuthenticationFailedException.class);
        assertThat(outcome(bearer("a".repeat(4000) + "." + "b".repeat(4000) + "." + "c".repeat(200))))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(lookups).hasValue(0);
        assertThat(outcome(bearer("k".repeat(8192)))).isInstanceOf(AuthenticationFailedException.class);
        assertThat(lookups).as("8192 characters is still looked up").hasValue(1);
    }

    @Test
    void jwtShapedTokenWithNonBase64UrlCharactersFailsWithoutVerification() {
        for (String t : new String[] {"a$b.c%d.e^f", "eyJ+.eyJ/.sig=", "é.é.é"}) {
            assertThat(outcome(bearer(t))).as(t).isInstanceOf(AuthenticationFailedException.class);
        }
        assertThat(lookups).hasValue(0);
    }

    @Test
    void wellFormedJwtShapedTokenIsLeftToSmallRyeJwtAndOthersAreLookedUp() {
        assertThat(outcome(bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))).isEqualTo(Result.DELEGATED_TO_JWT);
        assertThat(lookups).hasValue(0);
        assertThat(outcome(bearer("an-api-key"))).isInstanceOf(AuthenticationFailedException.class);
        assertThat(lookups).hasValue(1);
        assertThat(outcome(FakeRequests.from("10.1.0.1"))).isEqualTo(Result.DELEGATED_TO_JWT);
    }

    @Test
    void addressOverItsFailureLimitIsRefusedBeforeAnyLookupOrVerification() {
        limiter.recordFailure(bearer("x"));
        limiter.recordFailure(bearer("x"));
        for (String token : new String[] {"maybe-a-valid-key", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}) {
            Object o = outcome(bearer(token));
            assertThat(o).isInstanceOf(BrokerException.class);
            assertThat(((BrokerException) o).code()).isEqualTo(ErrorCode.THROTTLING);
            assertThat(((BrokerException) o).retryAfter()).isPresent();
        }
        assertThat(lookups).hasValue(0);
        // Another address is looked up as usual.
        assertThat(outcome(FakeRequests.from("10.1.0.2", "Authorization", "Bearer k"))).isInstanceOf(AuthenticationFailedException.class);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void twoAuthorizationHeadersFailWithoutLookup() {
        assertThat(outcome(FakeRequests.from("10.1.0.3", "Authorization", "Bearer a", "Authorization", "Bearer b")))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(lookups).hasValue(0);
    }
}
