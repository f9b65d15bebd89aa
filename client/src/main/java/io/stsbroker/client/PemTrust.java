package io.stsbroker.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an {@link SSLContext} that trusts exactly the certificates in a PEM file (the broker's
 * private CA), and nothing else.
 *
 * <p>Why only those: a private CA file says which issuer signs the broker's certificate; also
 * trusting the public CAs would let any publicly valid certificate for the broker's name receive
 * the bearer token.
 */
public final class PemTrust {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private PemTrust() {
    }

    /**
     * Returns a TLS context trusting the certificates in {@code pemFile}.
     *
     * @throws BrokerConfigurationException if the file cannot be read or holds no certificate
     */
    public static SSLContext sslContext(Path pemFile) {
        return context(read(pemFile), "the CA file " + pemFile);
    }

    /**
     * Returns a TLS context trusting the certificates in {@code pem}, PEM text itself (as the
     * admission webhook injects it in {@code STS_BROKER_CA_PEM}: a file cannot be mounted from
     * another namespace).
     *
     * @throws BrokerConfigurationException if the text holds no certificate
     */
    public static SSLContext sslContextFromPem(String pem) {
        return context(parse(pem, "STS_BROKER_CA_PEM"), "STS_BROKER_CA_PEM");
    }

    private static SSLContext context(List<Certificate> certificates, String source) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new BrokerConfigurationException("Cannot build a TLS context from " + source + ": " + e, e);
        }
    }

    static List<Certificate> read(Path pemFile) {
        String text;
        try {
            // A CA bundle is a few KiB; 1 MiB leaves room for large trust bundles.
            text = new String(io.stsbroker.client.internal.BoundedFiles.read(pemFile, 1024 * 1024), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new BrokerConfigurationException("Cannot read the CA file " + pemFile
                    + " (STS_BROKER_CA_FILE): " + e, e);
        }
        return parse(text, "The CA file " + pemFile);
    }

    /** {@code source} starts the messages: "The CA file x" or a variable's name. */
    static List<Certificate> parse(String text, String source) {
        List<Certificate> certificates = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (matcher.find()) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
                certificates.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BrokerConfigurationException(source + " holds a certificate that cannot"
                    + " be parsed: " + e, e);
        }
        if (certificates.isEmpty()) {
            throw new BrokerConfigurationException(source + " holds no PEM certificate"
                    + " (-----BEGIN CERTIFICATE-----).");
        }
        return certificates;
    }
}
