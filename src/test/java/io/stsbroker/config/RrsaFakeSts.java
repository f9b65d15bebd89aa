package io.stsbroker.config;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.stsbroker.sts.RpcSignature;
import io.stsbroker.testsupport.SelfSignedCertificate;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loopback HTTPS stand-in for Alibaba STS that speaks its wire format (docs/PROTOCOLS.md section
 * 1) for the two calls a broker with an RRSA identity makes: {@code AssumeRoleWithOIDC} (unsigned,
 * from credentials-java, for the broker's own identity) and {@code AssumeRole} (signature v1 with
 * the credentials the first call issued). Its certificate is a {@link SelfSignedCertificate} for
 * {@code localhost}; {@link #trustStoreProperties()} makes another JVM trust it.
 */
final class RrsaFakeSts implements AutoCloseable {

    static final String BROKER_KEY_ID = "STS.rrsa-broker";
    static final String BROKER_SECRET = "rrsa-broker-secret";
    static final String BROKER_TOKEN = "CAIS-rrsa-broker-token";
    static final String ROLE_KEY_ID = "STS.role-issued";

    /** What each call carried: its Action and the parameters (query and form body together). */
    record Call(String action, Map<String, String> params, String problem) {
    }

    private final Path dir;
    private final Path trustStore;
    private final HttpsServer server;
    final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

    RrsaFakeSts() throws Exception {
        dir = Files.createTempDirectory("rrsa-fake-sts");
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "sts");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate.keyStore)) {
            keys.load(in, certificate.password.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("sts", keys.getCertificate("sts"));
        trustStore = dir.resolve("trust.p12");
        try (OutputStream o = Files.newOutputStream(trustStore)) {
            trust.store(o, "changeit".toCharArray());
        }
        SSLContext ssl = certificate.sslContext();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint to configure: the certificate names localhost. */
    String endpoint() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** JVM options that make another JVM trust this server's certificate (and only the JDK's CAs besides none). */
    List<String> trustStoreProperties() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> params = new HashMap<>(form(ex.getRequestURI().getRawQuery()));
        params.putAll(form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        String action = params.getOrDefault("Action", "");
        String expiration = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        String problem = null;
        String body;
        if (action.equals("AssumeRoleWithOIDC")) {
            body = success(BROKER_KEY_ID, BROKER_SECRET, BROKER_TOKEN, expiration);
        } else if (action.equals("AssumeRole")) {
            Map<String, String> signed = new HashMap<>(params);
            String signature = signed.remove(RpcSignature.SIGNATURE);
            if (!BROKER_KEY_ID.equals(params.get("AccessKeyId")) || !BROKER_TOKEN.equals(params.get("SecurityToken"))) {
                problem = "not signed with the RRSA identity: " + params.get("AccessKeyId");
            } else if (!RpcSignature.sign(ex.getRequestMethod(), signed, BROKER_SECRET).equals(signature)) {
                problem = "SignatureDoesNotMatch";
            }
            body = problem == null ? success(ROLE_KEY_ID, "role-secret", "CAIS-role-token", expiration)
                    : "{\"RequestId\":\"fake\",\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"" + problem + "\"}";
        } else {
            problem = "unexpected action " + action;
            body = "{\"RequestId\":\"fake\",\"Code\":\"InvalidAction\",\"Message\":\"unexpected\"}";
        }
        calls.add(new Call(action, params, problem));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        ex.sendResponseHeaders(problem == null ? 200 : 400, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    private static String success(String id, String secret, String token, String expiration) {
        return "{\"RequestId\":\"fake\",\"AssumedRoleUser\":{\"Arn\":\"acs:ram::1234567890123456:role/x/s\","
                + "\"AssumedRoleId\":\"1:s\"},\"Credentials\":{\"AccessKeyId\":\"" + id + "\",\"AccessKeySecret\":\""
                + secret + "\",\"SecurityToken\":\"" + token + "\",\"Expiration\":\"" + expiration + "\"}}";
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
