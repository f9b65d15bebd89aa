package io.stsbroker.hardening.tls;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Before Quarkus starts: a fresh self-signed certificate for {@code localhost} / 127.0.0.1 in a
 * PKCS12 keystore under a temporary directory (made with the JDK's {@code keytool}, so no key is ever
 * committed), and the {@code quarkus.http.ssl.*} settings that serve HTTPS with it on a random port.
 */
public class SelfSignedCertificate implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("sts-broker-tls");
            Path keystore = dir.resolve("broker.p12");
            byte[] pw = new byte[16];
            new SecureRandom().nextBytes(pw);
            String password = HexFormat.of().formatHex(pw);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", password, "-keypass", password))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(keystore)) {
                throw new IllegalStateException("keytool could not make a test certificate: " + out);
            }
            return Map.of(
                    "quarkus.http.ssl.certificate.key-store-file", keystore.toString(),
                    "quarkus.http.ssl.certificate.key-store-password", password,
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
