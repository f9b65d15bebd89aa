package io.stsbroker.api.admission;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.injection.SidecarDefaults;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code broker.injector.*}, checked at start-up (a bad value stops it, naming the property), and
 * the sidecar defaults every review uses. Also holds the injector-only mode to its promise: no STS
 * identity ({@code broker.sts.provider=none}) and no API keys, and {@code none} only in that mode.
 */
@Startup
@Singleton
public class InjectorSettings {

    static final long MIN_BODY = 16 * 1024;
    static final long MAX_BODY = 64L * 1024 * 1024;
    private static final int MAX_CA_BYTES = 1024 * 1024;
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    private final BrokerConfig.Injector injector;

    InjectorSettings(BrokerConfig config) {
        this.injector = config.injector();
        String problem = problem(config);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (injector.enabled()) {
            injector.brokerCaFile().ifPresent(InjectorSettings::readCa);
        }
    }

    /** The first configuration problem, or null. */
    public static String problem(BrokerConfig config) {
        BrokerConfig.Injector in = config.injector();
        boolean none = config.sts().provider() == BrokerConfig.Provider.none;
        if (in.only() && !in.enabled()) {
            return "Invalid configuration broker.injector.only=true: it requires broker.injector.enabled=true";
        }
        if (in.only() && !none) {
            return "Invalid configuration broker.sts.provider=" + config.sts().provider()
                    + ": broker.injector.only=true holds no STS identity; set broker.sts.provider=none";
        }
        if (none && !in.only()) {
            return "Invalid configuration broker.sts.provider=none: there is no STS then, which only"
                    + " broker.injector.only=true allows";
        }
        if (in.only() && !config.apiKeys().isEmpty()) {
            return "Invalid configuration broker.api-keys (" + config.apiKeys().size() + " name(s)): broker.injector.only=true"
                    + " holds no API keys; remove them";
        }
        if (!in.enabled()) {
            return null;
        }
        if (in.maxBodySize() < MIN_BODY || in.maxBodySize() > MAX_BODY) {
            return "Invalid configuration broker.injector.max-body-size=" + in.maxBodySize() + ": must be from "
                    + MIN_BODY + " to " + MAX_BODY + " bytes";
        }
        if (in.sidecarPort() < 1024 || in.sidecarPort() > 65535) {
            return "Invalid configuration broker.injector.sidecar-port=" + in.sidecarPort() + ": must be from 1024 to 65535";
        }
        if (in.sidecarImage().filter(s -> !s.isBlank() && s.strip().equals(s)).isEmpty()) {
            return "Invalid configuration broker.injector.sidecar-image=" + in.sidecarImage().orElse("")
                    + ": required when broker.injector.enabled=true (the image injected as the sidecar)";
        }
        String url = in.brokerUrl().orElse("");
        if (!validUrl(url)) {
            return "Invalid configuration broker.injector.broker-url=" + url
                    + ": required when broker.injector.enabled=true, an http(s) URL with a host (what the sidecar calls)";
        }
        return null;
    }

    private static boolean validUrl(String url) {
        try {
            URI u = new URI(url);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (Exception e) {
            return false;
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
