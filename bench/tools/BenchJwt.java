import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The benchmark's own JWT issuer, JDK only: an RSA-2048 key pair generated per run into a temporary
 * directory (nothing is committed), the public half as a JWKS the broker trusts through
 * {@code mp.jwt.verify.publickey.location}, and RS256 tokens for any subject.
 *
 * <pre>
 * java BenchJwt keys  DIR                 writes DIR/private.pk8 (mode 600) and DIR/jwks.json
 * java BenchJwt token DIR SUB [TTL_SECONDS] prints one token (default TTL one day)
 * java BenchJwt tokens DIR PREFIX COUNT OUT   writes COUNT tokens, one a line, for subjects PREFIX0..PREFIX(COUNT-1)
 * </pre>
 * Tokens carry {@link #ISSUER}, audience {@link #AUDIENCE}, {@code sub}, {@code iat}, {@code exp}
 * and header {@code kid} {@link #KID}. Signing is thread-safe (one {@link Signature} per thread).
 */
final class BenchJwt {

    static final String ISSUER = "https://issuer.bench.sts-broker.invalid";
    static final String AUDIENCE = "sts-broker";
    static final String KID = "bench-rs256";
    static final long DEFAULT_TTL_SECONDS = 86_400;

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final ThreadLocal<Signature> signers;
    private final String encodedHeader;

    private BenchJwt(PrivateKey key) {
        this.key = key;
        this.signers = ThreadLocal.withInitial(this::newSigner);
        this.encodedHeader = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KID + "\"}");
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("keys")) {
            generate(Path.of(args[1]));
        } else if (args.length >= 3 && args[0].equals("token")) {
            long ttl = args.length > 3 ? Long.parseLong(args[3]) : DEFAULT_TTL_SECONDS;
            System.out.println(load(Path.of(args[1])).sign(args[2], ttl));
        } else if (args.length >= 5 && args[0].equals("tokens")) {
            long start = System.nanoTime();
            int count = Integer.parseInt(args[3]);
            load(Path.of(args[1])).writeTokens(args[2], count, Path.of(args[4]));
            System.out.printf("signed %d RS256 tokens in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
        } else {
            System.err.println("usage: BenchJwt keys DIR | token DIR SUB [TTL_SECONDS] | tokens DIR PREFIX COUNT OUT");
            System.exit(2);
        }
    }

    /** Generates a fresh key pair into {@code dir}: {@code private.pk8} (PKCS#8 DER, owner-only) and {@code jwks.json}. */
    static void generate(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        Path priv = dir.resolve("private.pk8");
        Files.write(priv, pair.getPrivate().getEncoded());
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"n\":\""
                + B64URL.encodeToString(unsigned(pub.getModulus())) + "\",\"e\":\""
                + B64URL.encodeToString(unsigned(pub.getPublicExponent())) + "\"}]}\n";
        Files.writeString(dir.resolve("jwks.json"), jwks);
    }

    static BenchJwt load(Path dir) throws IOException, GeneralSecurityException {
        byte[] der = Files.readAllBytes(dir.resolve("private.pk8"));
        return new BenchJwt(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
    }

    /**
     * Signs tokens for {@code prefix + i}, i = 0..count-1, on every core (RS256 signing costs about a
     * millisecond each, so 100,000 callers take a while), and writes them in order, one a line.
     */
    void writeTokens(String prefix, int count, Path out) throws IOException {
        String[] tokens = IntStream.range(0, count).parallel()
                .mapToObj(i -> sign(prefix + i, DEFAULT_TTL_SECONDS)).toArray(String[]::new);
        Files.write(out, Arrays.asList(tokens));
    }

    /** The tokens {@link #writeTokens} wrote. */
    static List<String> readTokens(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    /** An RS256 token for {@code sub}, valid from now for {@code ttlSeconds}. */
    String sign(String sub, long ttlSeconds) {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + jsonEscape(sub)
                + "\",\"iat\":" + now + ",\"exp\":" + (now + ttlSeconds) + "}";
        String signingInput = encodedHeader + "." + b64(claims);
        try {
            Signature s = signers.get();
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    private Signature newSigner() {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            return s;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA is required by every Java runtime", e);
        }
    }

    private static String b64(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** JWK integers are unsigned big-endian: drop the sign byte BigInteger adds. */
    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            byte[] t = new byte[b.length - 1];
            System.arraycopy(b, 1, t, 0, t.length);
            return t;
        }
        return b;
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
