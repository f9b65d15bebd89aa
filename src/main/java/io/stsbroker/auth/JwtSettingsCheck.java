package io.stsbroker.auth;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;


/**
 * Stops start-up when a JWT verification key is configured without both an expected issuer and
 * audiences (otherwise every token the cluster signs for any audience would be accepted), when the
 * configured key content is unusable ({@link TrustedKeys}), or when SmallRye's own clock-skew
 * settings are set: the broker's {@code broker.auth.expiry-skew} and {@code broker.auth.issued-at-skew}
 * replace them, and a value that silently did nothing would mislead.
 */
@Singleton
public class JwtSettingsCheck {

    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String KEY = "mp.jwt.verify.publickey";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String AUDIENCES = "mp.jwt.verify.audiences";

    static final String[] REPLACED_SKEWS = {"mp.jwt.verify.clock.skew", "smallrye.jwt.expiration.grace"};

    void check(@Observes StartupEvent ignored, Config config, TrustedKeys keys, JWTAuthContextInfo jwt) {
        String problem = problem(config);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        for (String skew : REPLACED_SKEWS) {
            if (present(config, skew)) {
                throw new IllegalStateException("Invalid configuration " + skew + "=" + config.getConfigValue(skew).getValue()
                        + ": the broker ignores it; set broker.auth.expiry-skew (default 0s, for exp) and"
                        + " broker.auth.issued-at-skew (default 60s, for nbf and iat) instead");
            }
        }
        keys.prepare(jwt);
    }

    static String problem(Config config) {
        boolean key = present(config, KEY_LOCATION) || present(config, KEY);
        if (!key) {
            return null;
        }
        if (!present(config, ISSUER)) {
            return "Invalid configuration: " + KEY_LOCATION + " is set but " + ISSUER
                    + " is not; set the issuer the broker must accept (for Kubernetes, the cluster's service-account issuer)";
        }
        if (!present(config, AUDIENCES)) {
            return "Invalid configuration: " + KEY_LOCATION + " is set but " + AUDIENCES
                    + " is not; set the audience callers request for the broker (for example sts-broker)";
        }
        return null;
    }

    private static boolean present(Config config, String name) {
        // Only values someone configured count: SmallRye JWT ships a default issuer
        // (https://quarkus.io/issuer) that would otherwise satisfy this check.
        ConfigValue v = config.getConfigValue(name);
        return v.getValue() != null && !v.getValue().isBlank() && v.getSourceOrdinal() > Integer.MIN_VALUE
                && !"DefaultValuesConfigSource".equals(v.getSourceName());
    }
}
