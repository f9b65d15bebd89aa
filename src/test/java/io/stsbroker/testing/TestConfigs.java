package io.stsbroker.testing;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.stsbroker.config.BrokerConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The one way tests build a {@code broker.*} configuration outside Quarkus: the real
 * {@code @ConfigMapping} from properties, with its defaults and type conversions, as start-up
 * builds it (not a hand-made stub, which would answer what a test assumed rather than what the
 * mapping gives). Start-up checks are {@code config.BrokerConfigValidator}'s, called separately.
 */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** {@code broker.*} from name/value pairs, on top of the one required property (provider embedded). */
    public static BrokerConfig broker(String... properties) {
        Map<String, String> props = new HashMap<>();
        props.put("broker.sts.provider", "embedded");
        for (int i = 0; i < properties.length; i += 2) {
            props.put(properties[i], properties[i + 1]);
        }
        return broker(props);
    }

    /** {@code broker.*} from exactly these properties (nothing added). */
    public static BrokerConfig broker(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withMapping(BrokerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build()
                .getConfigMapping(BrokerConfig.class);
    }
}
