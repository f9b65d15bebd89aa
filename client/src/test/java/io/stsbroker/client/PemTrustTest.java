package io.stsbroker.client;

import io.stsbroker.testsupport.SelfSignedCertificate;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A private CA file makes TLS to a server it signed work, and only to such servers. The HTTPS
 * server here answers 404 to everything; it is a TLS endpoint, not a broker.
 */
class PemTrustTest {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate broker;
    private static SelfSignedCertificate stranger;
    private static HttpsServer server;

    @BeforeAll
    static void certificates() throws Exception {
        broker = SelfSignedCertificate.create(dir, "broker");
        stranger = SelfSignedCertificate.create(dir, "stranger");
        server = broker.startServer();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static BrokerClient.Builder client() {
        return BrokerClient.builder().environment(name -> null).token("t").retryPolicy(RetryPolicy.NONE)
                .baseUrl("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void caFileLetsTlsToTheServerItSignedSucceed() {
        // TLS worked if the failure is the server's 404 rather than a handshake error.
        assertThatThrownBy(() -> client().caFile(broker.pem).build().status())
                .isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void caFileFromTheEnvironmentIsUsed() {
        BrokerClient.Builder builder = client().environment(name -> name.equals("STS_BROKER_CA_FILE") ? broker.pem.toString() : null);

        assertThatThrownBy(() -> builder.build().status())
                .satisfies(e -> assertThat(((BrokerException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void anotherCaFailsTheHandshakeWithAMessageNamingTheCaSetting() {
        assertThatThrownBy(() -> client().caFile(stranger.pem).build().status())
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("STS_BROKER_CA_FILE");
    }

    @Test
    void bundleWithCommentsAndSeveralCertificatesTrustsEachOfThem() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# our private CAs\n" + Files.readString(stranger.pem) + "\nsome text\n"
                + Files.readString(broker.pem));

        assertThat(PemTrust.read(bundle)).hasSize(2);
        assertThatThrownBy(() -> client().caFile(bundle).build().status())
                .satisfies(e -> assertThat(((BrokerException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void missingCaFileFailsNamingThePath() {
        Path missing = dir.resolve("absent.pem");

        assertThatThrownBy(() -> PemTrust.sslContext(missing))
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void fileWithoutCertificatesFailsSayingSo() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemTrust.sslContext(empty)).hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void caPemFromTheEnvironment_letsTlsToTheServerItSignedSucceed() throws Exception {
        String pem = Files.readString(broker.pem);
        BrokerClient.Builder builder = client().environment(name -> name.equals("STS_BROKER_CA_PEM") ? pem : null);

        assertThatThrownBy(() -> builder.build().status())
                .satisfies(e -> assertThat(((BrokerException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void caPemOfAnotherCa_failsTheHandshake() throws Exception {
        String pem = Files.readString(stranger.pem);
        BrokerClient.Builder builder = client().environment(name -> name.equals("STS_BROKER_CA_PEM") ? pem : null);

        assertThatThrownBy(() -> builder.build().status()).isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("TLS handshake");
    }

    @Test
    void caPemWithoutCertificates_failsNamingTheVariable() {
        BrokerClient.Builder builder = client().environment(name -> name.equals("STS_BROKER_CA_PEM") ? "not a pem" : null);

        assertThatThrownBy(builder::build).isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("STS_BROKER_CA_PEM").hasMessageContaining("holds no PEM certificate");
    }
}
