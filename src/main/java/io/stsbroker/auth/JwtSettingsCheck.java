package io.stsbroker.auth;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Reads the configured JWT verification keys at start-up ({@link TrustedKeys#prepare}), so that an
 * unusable key stops start-up instead of failing every token. The {@code mp.jwt.*} settings
 * themselves (issuer and audiences required with a key, SmallRye's skews refused) are checked with
 * the rest of the configuration in {@code config.BrokerConfigValidator}.
 */
@Singleton
public class JwtSettingsCheck {

    void check(@Observes StartupEvent ignored, TrustedKeys keys, JWTAuthContextInfo jwt) {
        keys.prepare(jwt);
    }
}
