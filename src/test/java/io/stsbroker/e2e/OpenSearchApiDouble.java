package io.stsbroker.e2e;

import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the OpenSearch v3 API on 127.0.0.1 (random port), existing only in tests: it
 * authenticates each request as OpenSearch would, and answers an empty search result or an error.
 *
 * <p>What it checks, in order, each failure answering 403:
 * <ol>
 *   <li>{@code Authorization: OPENSEARCH <id>:<signature>} names a registered AccessKeyId
 *       ({@code InvalidAccessKeyId.NotFound}). Like a real OpenSearch, which knows the secrets STS
 *       issued, the double knows the secrets the test {@link #register registers}.</li>
 *   <li>The signature, recomputed with that secret per {@link OpenSearchSignatureVerifier#stringToSign}, and the body's
 *       {@code Content-Md5} ({@code SignatureDoesNotMatch}).</li>
 *   <li>{@code Date} within 15 minutes of the wall clock ({@code RequestTimeTooSkewed}): the SDK
 *       stamps it from the wall clock, which the test cannot move.</li>
 *   <li>{@code X-Opensearch-Security-Token} with {@link EmbeddedSecurityToken#verify} and the
 *       embedded STS's token key, at the broker's clock, the one that set its expiry
 *       ({@code MissingSecurityToken}, {@code InvalidSecurityToken.Malformed}, {@code .MismatchWithAccessKey},
 *       {@code .Expired}).</li>
 * </ol>
 * Errors use the v3 body {@code {"status":"FAIL","request_id":..,"errors":[{"code":403,"message":"<Code>: .."}]}};
 * the message starts with the Alibaba error code. Real OpenSearch's numeric codes for these
 * failures are not documented, so {@code code} is just the HTTP status and tests assert on the message.
 *
 * <p><b>Note:</b> HTTP/1.1 is spoken over a plain socket, one request per connection, and each
 * response goes out in a single write. Why not the JDK's HttpServer: it flushes the headers before
 * the body, and SDK 5.1.0 aborts the connection on any status of 400 or more before reading the
 * body ({@code HttpClientFactory.validateResponse}), so the error code would reach the caller only
 * when the body happened to arrive with the headers. A front end writing a small response at once,
 * as this double does, delivers them together.
 */
final class OpenSearchApiDouble implements AutoCloseable {

    /** What the double received and answered; {@code accessKeyId} is null if none was readable. */
    record Received(String accessKeyId, String path, int status, String code) {
    }

    /** One parsed request: target split into raw (still percent-encoded) path and query. */
    private record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
    }

    static final Duration MAX_DATE_SKEW = Duration.ofMinutes(15);
    private static final int MAX_HEADER_LINE = 16 * 1024;

    private final ServerSocket listener;
    private final Clock stsClock;
    private final byte[] tokenKey;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /**
     * @param stsClock the clock the embedded STS issued expirations by (the broker's test clock)
     * @param tokenKey the embedded STS's token key ({@code EmbeddedStsKeys.tokenKey()})
     */
    OpenSearchApiDouble(Clock stsClock, byte[] tokenKey) throws IOException {
        this.stsClock = stsClock;
        this.tokenKey = tokenKey.clone();
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "opensearch-double-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Makes the double know {@code credentials}' secret, as OpenSearch knows what STS issued. */
    OpenSearchApiDouble register(TemporaryCredentials credentials) {
        secrets.put(credentials.accessKeyId(), credentials.accessKeySecret());
        return this;
    }

    /** The base URL to give the SDK, {@code http://127.0.0.1:<port>}. */
    String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests answered for {@code accessKeyId}. */
    List<Received> receivedFor(String accessKeyId) {
        return received.stream().filter(r -> accessKeyId.equals(r.accessKeyId())).toList();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread worker = new Thread(() -> serve(socket), "opensearch-double-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                // close() ends the loop
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            Request request = read(new BufferedInputStream(socket.getInputStream()));
            String authorization = OpenSearchSignatureVerifier.header(request.headers(), "Authorization").orElse("");
            int colon = authorization.lastIndexOf(':');
            String accessKeyId = null;
            String code;
            if (!authorization.startsWith("OPENSEARCH ") || colon < "OPENSEARCH ".length()) {
                code = "IncompleteSignature";
            } else {
                accessKeyId = authorization.substring("OPENSEARCH ".length(), colon);
                code = check(request, accessKeyId, authorization.substring(colon + 1)).orElse(null);
            }
            received.add(new Received(accessKeyId, request.rawPath(), code == null ? 200 : 403, code));
            write(socket.getOutputStream(), code);
        } catch (IOException | RuntimeException e) {
            // A broken request: the client sees its connection end, and the test that sent it fails.
        }
    }

    /** The error code for this request, or empty when it is authentic. */
    private Optional<String> check(Request request, String accessKeyId, String signature) {
        String secret = secrets.get(accessKeyId);
        if (secret == null) {
            return Optional.of("InvalidAccessKeyId.NotFound");
        }
        String contentMd5 = OpenSearchSignatureVerifier.header(request.headers(), "Content-Md5").orElse("");
        if (request.body().length > 0 && !contentMd5.equals(OpenSearchSignatureVerifier.md5Hex(request.body()))) {
            return Optional.of("SignatureDoesNotMatch");
        }
        String expected;
        try {
            expected = OpenSearchSignatureVerifier.sign(secret, OpenSearchSignatureVerifier.stringToSign(
                    request.method(), request.rawPath(), request.rawQuery(), request.headers()));
        } catch (IllegalArgumentException badQuery) {
            return Optional.of("SignatureDoesNotMatch");
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("SignatureDoesNotMatch");
        }
        try {
            Instant date = Instant.parse(OpenSearchSignatureVerifier.header(request.headers(), "Date").orElse(""));
            if (Duration.between(date, Instant.now()).abs().compareTo(MAX_DATE_SKEW) > 0) {
                return Optional.of("RequestTimeTooSkewed");
            }
        } catch (DateTimeParseException e) {
            return Optional.of("RequestTimeTooSkewed");
        }
        String token = OpenSearchSignatureVerifier.header(request.headers(), "X-Opensearch-Security-Token").orElse("");
        if (token.isEmpty()) {
            return Optional.of("MissingSecurityToken");
        }
        return switch (EmbeddedSecurityToken.verify(token, accessKeyId, stsClock.instant(), tokenKey)) {
            case VALID -> Optional.empty();
            case EXPIRED -> Optional.of("InvalidSecurityToken.Expired");
            case MISMATCH_WITH_ACCESS_KEY -> Optional.of("InvalidSecurityToken.MismatchWithAccessKey");
            case MALFORMED -> Optional.of("InvalidSecurityToken.Malformed");
        };
    }

    private static Request read(InputStream in) throws IOException {
        String[] requestLine = readLine(in).split(" ");
        if (requestLine.length != 3) {
            throw new IOException("not an HTTP request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line");
            }
            headers.computeIfAbsent(line.substring(0, colon).strip(), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        String length = OpenSearchSignatureVerifier.header(headers, "Content-Length").orElse("");
        byte[] body = length.isEmpty() ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        String target = requestLine[1];
        int q = target.indexOf('?');
        return new Request(requestLine[0], q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.size() > MAX_HEADER_LINE) {
                throw new IOException("connection ended inside the request head");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Writes the whole response, status line to last body byte, in one write; then the connection closes. */
    private static void write(OutputStream out, String code) throws IOException {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String json = code == null
                ? "{\"status\":\"OK\",\"request_id\":\"" + requestId + "\",\"result\":{\"searchtime\":0.001,\"total\":0,"
                        + "\"num\":0,\"viewtotal\":0,\"items\":[],\"facet\":[]},\"errors\":[],\"tracer\":\"\"}"
                : "{\"status\":\"FAIL\",\"request_id\":\"" + requestId + "\",\"result\":[],\"errors\":[{\"code\":403,"
                        + "\"message\":\"" + code + ": " + describe(code) + "\"}],\"tracer\":\"\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = (code == null ? "HTTP/1.1 200 OK" : "HTTP/1.1 403 Forbidden") + "\r\n"
                + "Content-Type: application/json;charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        response.writeBytes(body);
        out.write(response.toByteArray());
        out.flush();
    }

    private static String describe(String code) {
        return switch (code) {
            case "IncompleteSignature" -> "Authorization is not 'OPENSEARCH <id>:<signature>'.";
            case "InvalidAccessKeyId.NotFound" -> "The AccessKeyId is not known.";
            case "SignatureDoesNotMatch" -> "The request signature does not match.";
            case "RequestTimeTooSkewed" -> "The Date header is missing or too far from the server time.";
            case "MissingSecurityToken" -> "An STS AccessKeyId needs its security token.";
            case "InvalidSecurityToken.Expired" -> "The security token has expired.";
            case "InvalidSecurityToken.MismatchWithAccessKey" -> "The security token was not issued with this AccessKeyId.";
            default -> "The security token is malformed.";
        };
    }
}
