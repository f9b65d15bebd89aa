package io.stsbroker.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies JWTs for SmallRye JWT (its documented extension point, a {@link JWTCallerPrincipalFactory}
 * alternative): SmallRye's own parser and claim checks, with the keys and algorithms from
 * {@link TrustedKeys}, then the times rule of {@link TokenTimes}. A refusal carries its
 * {@link RefusalReason}; the principal carries the fingerprint of the key that verified it.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class JwtVerifier extends JWTCallerPrincipalFactory {

    private final TrustedKeys keys;
    private final TokenTimes times;
    private final Parser parser = new Parser();

    JwtVerifier(TrustedKeys keys, TokenTimes times) {
        this.keys = keys;
        this.times = times;
    }

    /** SmallRye's parser, resolving keys through {@link TrustedKeys} rather than a resolver of its own. */
    private static final class Parser extends DefaultJWTTokenParser {
        /** The same resolver for the application's life (one {@link TrustedKeys.Prepared}); null without a key. */
        private volatile VerificationKeyResolver resolver;

        JwtContext parse(String token, TrustedKeys.Prepared prepared) throws ParseException {
            resolver = prepared.resolver();
            return parse(token, prepared.info());
        }

        @Override
        protected VerificationKeyResolver getVerificationKeyResolver(JWTAuthContextInfo info) throws UnresolvableKeyException {
            VerificationKeyResolver r = resolver;
            if (r == null) {
                throw new UnresolvableKeyException("no JWT verification key is configured");
            }
            return r;
        }
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        TrustedKeys.Prepared prepared = keys.prepare(authContextInfo);
        JwtContext jwt;
        try {
            jwt = parser.parse(token, prepared);
        } catch (ParseException e) {
            throw refused(reasonOf(e), e);
        }
        JwtClaims claims = jwt.getJwtClaims();
        RefusalReason late;
        try {
            late = times.refusal(seconds(claims.getExpirationTime()), seconds(claims.getNotBefore()),
                    seconds(claims.getIssuedAt()));
        } catch (MalformedClaimException e) {
            throw refused(RefusalReason.MALFORMED, null);
        }
        if (late != null) {
            throw refused(late, null);
        }
        JsonWebStructure jws = jwt.getJoseObjects().get(0);
        return new VerifiedJwt(jws.getHeader("typ"), claims, TrustedKeys.fingerprint(jws.getKey()));
    }

    private static Long seconds(NumericDate d) {
        return d == null ? null : d.getValue();
    }

    private static ParseException refused(RefusalReason reason, Throwable detail) {
        Refusals.Reason cause = new Refusals.Reason(reason);
        if (detail != null) {
            cause.addSuppressed(detail); // kept for a debugger; never logged by the broker
        }
        return new ParseException(reason.tag(), cause);
    }

    /** The reason behind SmallRye's (jose4j's) refusal. */
    static RefusalReason reasonOf(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof UnresolvableKeyException) {
                return RefusalReason.UNKNOWN_KEY;
            }
            if (t instanceof InvalidAlgorithmException) {
                return RefusalReason.BAD_SIGNATURE;
            }
            if (t instanceof InvalidJwtException e) {
                RefusalReason r = reasonOf(e);
                if (r != null) {
                    return r;
                }
            }
        }
        return RefusalReason.MALFORMED;
    }

    private static RefusalReason reasonOf(InvalidJwtException e) {
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return RefusalReason.BAD_SIGNATURE;
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return RefusalReason.WRONG_ISSUER;
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return RefusalReason.WRONG_AUDIENCE;
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRED) || e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return RefusalReason.EXPIRED;
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return RefusalReason.NOT_YET_VALID;
        }
        return null;
    }
}
