package io.stsbroker.testsupport;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed EC certificate for {@code localhost} and {@code 127.0.0.1}, valid for
 * two days, made with the JDK's {@code keytool} in a directory the caller owns, so no key material
 * is ever committed.
 */
public final class SelfSignedCertificate {

    /** The PKCS12 key store holding the key and the certificate under the alias given to {@link #create}. */
    public final Path keyStore;
    /** The certificate alone, PEM-encoded: what a client trusts. */
    public final Path pem;
    /** The password of {@link #keyStore} and of its key: random per certificate. */
    public final String password;

    private SelfSignedCertificate(Path keyStore, Path pem, String password) {
        this.keyStore = keyStore;
        this.pem = pem;
        this.password = password;
    }

    /** Makes {@code <alias>.p12} and {@code <alias>.pem} in {@code dir}; the subject is {@code CN=<alias>}. */
    public static SelfSignedCertificate create(Path dir, String alias) throws IOException, InterruptedException {
        Path keyStore = dir.resolve(alias + ".p12");
        Path pem = dir.resolve(alias + ".pem");
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", password,
                "-file", pem.toString());
        return new SelfSignedCertificate(keyStore, pem, password);
    }

    /** A server-side TLS context presenting this certificate. */
    public SSLContext sslContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** An HTTPS server on a random loopback port that answers 404 to everything. */
    public HttpsServer startServer() throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(sslContext()));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
