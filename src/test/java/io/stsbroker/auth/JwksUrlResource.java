package io.stsbroker.auth;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

/**
 * Before Quarkus starts: a {@link JwksServer} serving an RSA key ({@code kid} rotation-a) and an EC
 * P-256 key (rotation-b), and the broker's settings to trust it: the JWKS URL, and the test CA
 * through SmallRye JWT's documented {@code smallrye.jwt.client.tls.certificate.path}. A third key
 * (rotation-c) is made but not served until a test rotates it in.
 */
public class JwksUrlResource implements QuarkusTestResourceLifecycleManager {

    /** What the running application was started with; replaced when another profile starts its own. */
    record Issuer(JwksServer server, SigningKeys rsaA, SigningKeys ecB, SigningKeys rsaC) {
    }

    private static volatile Issuer current;
    private JwksServer server;

    static Issuer current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        try {
            SigningKeys a = SigningKeys.rsa("rotation-a");
            SigningKeys b = SigningKeys.ec("rotation-b");
            SigningKeys c = SigningKeys.rsa("rotation-c");
            server = new JwksServer(SigningKeys.jwks(List.of(a, b)));
            current = new Issuer(server, a, b, c);
            return Map.of(
                    "mp.jwt.verify.publickey.location", server.url(),
                    "smallrye.jwt.client.tls.certificate.path", server.caCertificate().toString());
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test JWKS server", e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
