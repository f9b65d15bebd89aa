package io.stsbroker.auth;

import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar in the production profile, verifying real tokens with each documented form of
 * {@code mp.jwt.verify.publickey.location} (the shipped {@code RS256,ES256} algorithm list left as
 * it is): an RSA PEM, an EC P-256 PEM, a single JWK, a JWK set file with both key types, and a JWKS
 * URL over HTTPS whose CA is trusted through {@code smallrye.jwt.client.tls.certificate.path}; and
 * refusing to start with unusable JWT time or key settings.
 */
class JwtKeyFormatsIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path KEYS = Path.of("src", "test", "resources", "keys").toAbsolutePath();
    private static final Pattern PORT = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A running packaged broker; closed by stopping its process. */
    private record Broker(Process process, Path log, int port) implements AutoCloseable {
        int status(String token) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/status"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static List<String> command(String... props) {
        assertThat(JAR).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0", "-Dbroker.embedded-sts.port=0", "-Dbroker.sts.provider=embedded",
                "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER, "-Dmp.jwt.verify.audiences=" + TestTokens.AUDIENCE));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-jar", JAR.toString()));
        return cmd;
    }

    private static Broker start(String... props) throws Exception {
        File log = Files.createTempFile("broker-jwt", ".log").toFile();
        Process p = new ProcessBuilder(command(props)).redirectErrorStream(true).redirectOutput(log).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String out = "";
        while (System.nanoTime() < deadline && p.isAlive()) {
            out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            Matcher m = PORT.matcher(out);
            if (m.find()) {
                return new Broker(p, log.toPath(), Integer.parseInt(m.group(1)));
            }
            Thread.sleep(100); // polling the log for start-up, not waiting for time to pass
        }
        p.destroyForcibly().waitFor();
        throw new AssertionError("the broker did not start:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
    }

    private record Exit(int code, String output) {
    }

    private static Exit refusedStart(String... props) throws Exception {
        File log = Files.createTempFile("broker-jwt", ".log").toFile();
        Process p = new ProcessBuilder(command(props)).redirectErrorStream(true).redirectOutput(log).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        return new Exit(exited ? p.exitValue() : Integer.MIN_VALUE, Files.readString(log.toPath(), StandardCharsets.UTF_8));
    }

    private static String location(String file) {
        return "-Dmp.jwt.verify.publickey.location=file:" + KEYS.resolve(file);
    }

    @Test
    void rsaPemKeyVerifiesRs256TokensAndRefusesOthers() throws Exception {
        try (Broker b = start(location("rsa-public.pem"))) {
            assertThat(b.status(TestTokens.rs256("system:serviceaccount:keys:rsa-pem"))).isEqualTo(200);
            assertThat(b.status(TestTokens.es256("system:serviceaccount:keys:rsa-pem"))).isEqualTo(401);
        }
    }

    @Test
    void ecPemKeyVerifiesEs256TokensAndRefusesOthers() throws Exception {
        try (Broker b = start(location("ec-public.pem"))) {
            assertThat(b.status(TestTokens.es256("system:serviceaccount:keys:ec-pem"))).isEqualTo(200);
            assertThat(b.status(TestTokens.rs256("system:serviceaccount:keys:ec-pem"))).isEqualTo(401);
        }
    }

    @Test
    void singleJwkVerifiesItsTokens() throws Exception {
        try (Broker b = start(location("rsa-public.jwk.json"))) {
            assertThat(b.status(TestTokens.rs256("system:serviceaccount:keys:jwk"))).isEqualTo(200);
            assertThat(b.status(TestTokens.untrusted("system:serviceaccount:keys:jwk"))).isEqualTo(401);
        }
    }

    @Test
    void jwksFileVerifiesBothKeyTypes() throws Exception {
        try (Broker b = start(location("jwks.json"))) {
            assertThat(b.status(TestTokens.rs256("system:serviceaccount:keys:jwks-file"))).isEqualTo(200);
            assertThat(b.status(TestTokens.es256("system:serviceaccount:keys:jwks-file"))).isEqualTo(200);
        }
    }

    @Test
    void jwksUrlOverHttpsVerifiesBothKeyTypes() throws Exception {
        SigningKeys rsa = SigningKeys.rsa("it-rsa");
        SigningKeys ec = SigningKeys.ec("it-ec");
        try (JwksServer issuer = new JwksServer(SigningKeys.jwks(List.of(rsa, ec)));
             Broker b = start("-Dmp.jwt.verify.publickey.location=" + issuer.url(),
                     "-Dsmallrye.jwt.client.tls.certificate.path=" + issuer.caCertificate())) {
            assertThat(b.status(rsa.sign("system:serviceaccount:keys:jwks-url"))).isEqualTo(200);
            assertThat(b.status(ec.sign("system:serviceaccount:keys:jwks-url"))).isEqualTo(200);
            assertThat(b.status(SigningKeys.rsa("it-rsa").sign("system:serviceaccount:keys:jwks-url")))
                    .as("same kid, another key").isEqualTo(401);
            assertThat(issuer.fetches()).isPositive();
        }
    }

    @Test
    void negativeExpirySkewRefusesToStartNamingTheProperty() throws Exception {
        Exit e = refusedStart(location("jwks.json"), "-Dbroker.auth.expiry-skew=-1s");
        assertThat(e.code()).as(e.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(e.output()).contains("broker.auth.expiry-skew");
    }

    @Test
    void smallRyeClockSkewRefusesToStartPointingAtTheBrokerSettings() throws Exception {
        Exit e = refusedStart(location("jwks.json"), "-Dmp.jwt.verify.clock.skew=30");
        assertThat(e.code()).as(e.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(e.output()).contains("mp.jwt.verify.clock.skew").contains("broker.auth.expiry-skew");
    }

    @Test
    void pemKeyWithNoFittingAlgorithmRefusesToStartNamingTheProperty() throws Exception {
        Exit e = refusedStart(location("ec-public.pem"), "-Dmp.jwt.verify.publickey.algorithm=RS256");
        assertThat(e.code()).as(e.output()).isNotEqualTo(0).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(e.output()).contains("mp.jwt.verify.publickey.algorithm=RS256");
    }
}
