package io.stsbroker.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs {@link BrokerConfigValidator} once at start-up; a bad setting stops start-up with its message.
 *
 * <p><b>Note:</b> it observes the {@link Router} event, not {@code StartupEvent}: routes are
 * installed first (the warm route builds the vending beans then), and those beans must never see
 * an invalid value. Among the observers of that event this one goes first ({@link Priority} 0).
 */
@Singleton
class StartupValidation {

    void validate(@Observes @Priority(0) Router ignored, BrokerConfig broker, Config all,
                  @ConfigProperty(name = "quarkus.http.limits.max-header-size") MemorySize maxHeaderSize,
                  @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout,
                  @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> shutdownTimeout) {
        boolean securityEvents = all.getOptionalValue("quarkus.security.events.enabled", Boolean.class).orElse(true);
        BrokerConfigValidator.validate(broker, new BrokerConfigValidator.ServerSettings(
                maxHeaderSize.asLongValue(), idleTimeout, securityEvents, all.getPropertyNames(), name -> configured(all, name),
                shutdownTimeout, all.getOptionalValue("quarkus.redis.hosts", String.class)));
    }

    /** The value someone set; a default shipped by an extension (SmallRye JWT's issuer) does not count. */
    private static Optional<String> configured(Config all, String name) {
        ConfigValue v = all.getConfigValue(name);
        boolean set = v.getValue() != null && !v.getValue().isBlank() && v.getSourceOrdinal() > Integer.MIN_VALUE
                && !"DefaultValuesConfigSource".equals(v.getSourceName());
        return set ? Optional.of(v.getValue()) : Optional.empty();
    }
}
