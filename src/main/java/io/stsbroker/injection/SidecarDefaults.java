package io.stsbroker.injection;

import java.util.Objects;
import java.util.Optional;

/**
 * What every injected sidecar gets unless a pod's annotations say otherwise.
 *
 * @param brokerUrl {@code STS_BROKER_URL}
 * @param caPem     the broker's CA as PEM text ({@code STS_BROKER_CA_PEM}), empty to trust the JRE's CAs
 * @param image     the sidecar image
 * @param port      the sidecar's loopback port
 */
public record SidecarDefaults(String brokerUrl, Optional<String> caPem, String image, int port) {

    public SidecarDefaults {
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(image, "image");
    }
}
