package io.stsbroker.sts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Builds and sends signed AssumeRole requests by hand, for wire-level tests of the embedded STS. */
public final class SignedRequests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private SignedRequests() {
    }

    /** The parameters of an AssumeRole request, unsigned. */
    public static Map<String, String> assumeRole(String accessKeyId, Clock clock, String roleArn, String session) {
        Map<String, String> p = new HashMap<>();
        p.put("Action", "AssumeRole");
        p.put("Format", "JSON");
        p.put("Version", "2015-04-01");
        p.put("AccessKeyId", accessKeyId);
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", UUID.randomUUID().toString());
        p.put("Timestamp", RpcTimestamps.format(clock.instant()));
        p.put("RoleArn", roleArn);
        p.put("RoleSessionName", session);
        p.put("DurationSeconds", "3600");
        return p;
    }

    /** {@code params} plus their {@code Signature} for {@code method}, as a fully encoded query string. */
    public static String signedQuery(String method, Map<String, String> params, String secret) {
        Map<String, String> signed = new HashMap<>(params);
        signed.put("Signature", RpcSignature.sign(method, params, secret));
        return canonicalWithSignature(signed);
    }

    private static String canonicalWithSignature(Map<String, String> signed) {
        return RpcSignature.canonicalQuery(signed) + "&Signature=" + RpcSignature.percentEncode(signed.get("Signature"));
    }

    /** Sends {@code METHOD baseUrl/?query} with an empty body. */
    public static HttpResponse<String> send(String method, String baseUrl, String query)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/?" + query))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends one raw HTTP/1.1 request line (for requests {@link java.net.URI} refuses to build); returns the status. */
    public static int sendRaw(int port, String requestLine) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    /** Sends {@code POST baseUrl/} with the signed parameters as a form body and no query. */
    public static HttpResponse<String> postForm(String baseUrl, String formBody) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(formBody))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
