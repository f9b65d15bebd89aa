package io.stsbroker.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes a verified JWT's {@code sub} claim the caller identity, and refuses tokens without one or
 * whose {@code sub} pretends to be an API key ({@code apikey:...}).
 *
 * <p>{@code sub} is used rather than the principal name, which SmallRye JWT takes from
 * {@code upn} or {@code preferred_username} first.
 */
@ApplicationScoped
public class JwtCallerAugmentor implements SecurityIdentityAugmentor {

    private final VerifiedTokens verified;

    public JwtCallerAugmentor(VerifiedTokens verified) {
        this.verified = verified;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext ctx) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (identity.getAttribute(Caller.ATTRIBUTE) != null) {
            // Served by VerifiedTokenIdentityProvider: augmented when it was first verified.
            return Uni.createFrom().item(identity);
        }
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > 512) {
            return Uni.createFrom().failure(Refusals.refused(RefusalReason.NO_SUBJECT));
        }
        if (sub.startsWith("apikey:")) {
            return Uni.createFrom().failure(Refusals.refused(RefusalReason.RESERVED_SUBJECT));
        }
        SecurityIdentity augmented = QuarkusSecurityIdentity.builder(identity)
                .addAttribute(Caller.ATTRIBUTE, new Caller(sub, Caller.Kind.JWT))
                .build();
        if (jwt instanceof VerifiedJwt v) {
            verified.remember(jwt.getRawToken(), augmented, jwt.getExpirationTime(), v.keyFingerprint());
        }
        return Uni.createFrom().item(augmented);
    }
}
