package io.stsbroker.api.admission;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.injection.SidecarDefaults;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code broker.injector.*} as every review uses it: the sidecar defaults. The values are checked by
 * {@code config.BrokerConfigValidator} (with the injector-only mode's promise: no STS identity and no
 * API keys); the CA file's content is checked here, at start-up, as this class reads it.
 */
@Startup
@Singleton
public class InjectorSettings {

    private static final int MAX_CA_BYTES = 1024 * 1024;
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    private final BrokerConfig.Injector injector;

    InjectorSettings(BrokerConfig config) {
        this.injector = config.injector();
        if (injector.enabled()) {
            injector.brokerCaFile().ifPresent(InjectorSettings::readCa);
        }
    }

    public boolean enabled() {
        return injector.enabled();
    }

    public boolean injectorOnly() {
        return injector.only();
    }

    long maxBodySize() {
        return injector.maxBodySize();
    }

    Set<String> excludedNamespaces() {
        return Set.copyOf(injector.excludedNamespaces().orElse(List.of()));
    }

    /** The defaults for one review: the CA file is read each time, so a rotated CA reaches new pods. */
    SidecarDefaults sidecarDefaults() {
        return new SidecarDefaults(injector.brokerUrl().orElseThrow(), injector.brokerCaFile().map(InjectorSettings::readCa),
                injector.sidecarImage().orElseThrow(), injector.sidecarPort());
    }

    /** The CA file's certificates, as PEM text; an unreadable file or one without a certificate fails. */
    static String readCa(String file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            bytes = in.readNBytes(MAX_CA_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid configuration broker.injector.broker-ca-file=" + file
                    + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (bytes.length > MAX_CA_BYTES || !PEM.matcher(text).find()) {
            throw new IllegalArgumentException("Invalid configuration broker.injector.broker-ca-file=" + file
                    + ": must hold PEM certificates (-----BEGIN CERTIFICATE-----), at most " + MAX_CA_BYTES + " bytes");
        }
        return text.strip() + "\n";
    }
}
