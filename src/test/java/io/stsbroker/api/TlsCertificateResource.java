package io.stsbroker.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stsbroker.testsupport.SelfSignedCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before Quarkus starts: a fresh {@link SelfSignedCertificate} (alias {@code broker}, valid for
 * {@code localhost} and 127.0.0.1) under a temporary directory, and the {@code quarkus.http.ssl.*}
 * settings that serve HTTPS with it on a random port.
 */
public class TlsCertificateResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("sts-broker-tls");
            SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "broker");
            return Map.of(
                    "quarkus.http.ssl.certificate.key-store-file", certificate.keyStore.toString(),
                    "quarkus.http.ssl.certificate.key-store-password", certificate.password,
                    "quarkus.http.ssl-port", "0",
                    "quarkus.http.test-ssl-port", "0",
                    "quarkus.http.insecure-requests", "enabled");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what is left
        }
    }
}
