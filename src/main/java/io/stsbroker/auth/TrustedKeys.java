package io.stsbroker.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.KeyLocationResolver;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.inject.Singleton;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys JWTs are verified with, read from SmallRye JWT's own settings
 * ({@code mp.jwt.verify.publickey.location} or {@code mp.jwt.verify.publickey}) in every form the
 * README offers, and the verification settings that go with them.
 *
 * <ul>
 * <li><b>PEM</b> public key or certificate: decoded here by its own key type (RSA, or EC with its
 * curve), and only the configured algorithms that fit that key are allowed. SmallRye JWT would
 * decode a PEM with the first algorithm of {@code mp.jwt.verify.publickey.algorithm}, a set whose
 * order is not fixed, so with {@code RS256,ES256} either key type could fail.</li>
 * <li><b>JWK or JWK set</b> file or inline value: checked at start-up, then resolved by
 * {@code kid} and algorithm by SmallRye's {@link KeyLocationResolver}.</li>
 * <li><b>JWKS URL</b>: SmallRye's {@link KeyLocationResolver} fetches and caches it (jose4j
 * {@code HttpsJwks}: refetched on use once the response's {@code Cache-Control: max-age} or else
 * {@code smallrye.jwt.jwks.refresh-interval} minutes have passed, and at once for a token whose
 * {@code kid} is unknown, at most once per {@code smallrye.jwt.jwks.forced-refresh-interval}
 * minutes). Whenever a verification finds that the fetched set changed, tokens remembered by
 * {@link VerifiedTokens} whose key left the set are dropped.</li>
 * </ul>
 */
@Singleton
public class TrustedKeys {

    static final String LOCATION = "mp.jwt.verify.publickey.location";
    static final String ALGORITHM = "mp.jwt.verify.publickey.algorithm";

    private final VerifiedTokens verified;
    private final TokenTimes times;
    private volatile Prepared prepared;

    TrustedKeys(VerifiedTokens verified, TokenTimes times) {
        this.verified = verified;
        this.times = times;
    }

    /** SmallRye's settings, adjusted: the key or resolver to use, the algorithms it allows, the skew. */
    record Prepared(JWTAuthContextInfo source, JWTAuthContextInfo info, VerificationKeyResolver resolver) {
    }

    /**
     * The verification settings for SmallRye's own {@code info} (one instance for the application's
     * life). Fails, naming the property, when the configured key content is unusable.
     */
    Prepared prepare(JWTAuthContextInfo source) {
        Prepared p = prepared;
        if (p != null && p.source() == source) {
            return p;
        }
        synchronized (this) {
            if (prepared == null || prepared.source() != source) {
                prepared = build(source);
            }
            return prepared;
        }
    }

    private Prepared build(JWTAuthContextInfo source) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(source);
        info.setClockSkew(times.verifierSkewSeconds());
        String content = source.getPublicKeyContent();
        if (content != null) {
            PublicKey pem = pemKey(content);
            if (pem != null) {
                Set<SignatureAlgorithm> fitting = source.getSignatureAlgorithm().stream()
                        .filter(a -> fits(a, pem)).collect(Collectors.toCollection(LinkedHashSet::new));
                if (fitting.isEmpty()) {
                    throw new IllegalStateException("Invalid configuration " + ALGORITHM + "="
                            + source.getSignatureAlgorithm().stream().map(SignatureAlgorithm::getAlgorithm).sorted()
                            .collect(Collectors.joining(",")) + ": none of these algorithms fits the configured PEM "
                            + describe(pem) + " key (" + LOCATION + ")");
                }
                info.setPublicVerificationKey(pem);
                info.setSignatureAlgorithm(fitting);
                return new Prepared(source, info, null);
            }
            List<JsonWebKey> jwks = KeyUtils.loadJsonWebKeys(content);
            if (jwks == null || jwks.isEmpty()) {
                throw new IllegalStateException("Invalid configuration " + LOCATION
                        + ": the key is neither a PEM public key or certificate nor a JWK or JWK set");
            }
        }
        return new Prepared(source, info, new LazyResolver(info));
    }

    /** The key a PEM holds (a public key or an X.509 certificate), whatever its type; null when it is not PEM. */
    static PublicKey pemKey(String content) {
        String text = content.strip();
        if (text.startsWith("{")) {
            return null; // a JWK or JWK set
        }
        try {
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                return KeyUtils.getCertificate(text).getPublicKey();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Invalid configuration " + LOCATION + ": unreadable PEM certificate ("
                    + e.getClass().getSimpleName() + ")");
        }
        for (SignatureAlgorithm alg : new SignatureAlgorithm[] {SignatureAlgorithm.RS256, SignatureAlgorithm.ES256}) {
            try {
                return KeyUtils.decodePublicKey(text, alg);
            } catch (Exception e) {
                // not a key of this type: try the next
            }
        }
        if (text.contains("-----BEGIN")) {
            throw new IllegalStateException("Invalid configuration " + LOCATION
                    + ": a PEM block that is neither an RSA nor an EC public key nor a certificate");
        }
        return null;
    }

    static boolean fits(SignatureAlgorithm alg, PublicKey key) {
        String name = alg.getAlgorithm();
        if (key instanceof RSAPublicKey) {
            return name.startsWith("RS") || name.startsWith("PS");
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return (bits == 256 && name.equals("ES256")) || (bits == 384 && name.equals("ES384"))
                    || (bits == 521 && name.equals("ES512"));
        }
        return false;
    }

    private static String describe(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return "EC (" + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve)";
        }
        return key.getAlgorithm();
    }

    /** A stable name for a public key: SHA-256 of its encoded form. */
    static String fingerprint(Key key) {
        if (key == null || key.getEncoded() == null) {
            return null;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * SmallRye's resolver, made on first use as SmallRye itself does (a JWKS URL that is down at
     * start-up must not stop the broker; it is tried again with the next token).
     */
    private final class LazyResolver implements VerificationKeyResolver {
        private final JWTAuthContextInfo info;
        private volatile Tracking delegate;

        LazyResolver(JWTAuthContextInfo info) {
            this.info = info;
        }

        @Override
        public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
            Tracking d = delegate;
            if (d == null) {
                synchronized (this) {
                    if (delegate == null) {
                        delegate = new Tracking(info);
                    }
                    d = delegate;
                }
            }
            return d.resolveKey(jws, nesting);
        }
    }

    /** SmallRye's resolver, watching the fetched JWK set for changes after every resolution. */
    private final class Tracking extends KeyLocationResolver {
        private volatile List<JsonWebKey> seen;

        Tracking(JWTAuthContextInfo info) throws UnresolvableKeyException {
            super(info);
            this.seen = fetched();
        }

        @Override
        public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
            try {
                return super.resolveKey(jws, nesting);
            } finally {
                // Also after a failure: a forced refetch for an unknown kid may have removed keys.
                noticeChanges();
            }
        }

        private List<JsonWebKey> fetched() {
            if (httpsJwks == null) {
                return null;
            }
            try {
                return httpsJwks.getJsonWebKeys();
            } catch (Exception e) {
                return null; // unreachable now: SmallRye logs it and keeps what it has
            }
        }

        private void noticeChanges() {
            List<JsonWebKey> now = fetched();
            if (now == null || now == seen) {
                return; // HttpsJwks replaces its list on every refetch: same list, same keys
            }
            synchronized (this) {
                if (now == seen) {
                    return;
                }
                seen = now;
                Set<String> trusted = new HashSet<>();
                for (JsonWebKey k : now) {
                    if (k instanceof PublicJsonWebKey pk) {
                        trusted.add(fingerprint(pk.getPublicKey()));
                    }
                }
                verified.retainVerifiedBy(trusted);
            }
        }
    }
}
