package io.stsbroker.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;


/**
 * Stops start-up when a JWT verification key is configured without both an expected issuer and
 * audiences: otherwise every token the cluster signs for any audience would be accepted.
 */
@Singleton
public class JwtSettingsCheck {

    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String KEY = "mp.jwt.verify.publickey";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String AUDIENCES = "mp.jwt.verify.audiences";

    void check(@Observes StartupEvent ignored, Config config) {
        String problem = problem(config);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
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
