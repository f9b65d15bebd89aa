package io.stsbroker.bench.baseline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/**
 * What the framework alone can do on this machine, unauthenticated, for a body the size of a
 * credential response:
 * <ul>
 *   <li>{@code GET /baseline/static}: the yardstick. A fixed JSON string written from the event
 *       loop ({@code @NonBlocking}); no serialisation, no security, no worker hand-off.</li>
 *   <li>{@code GET /baseline/serialized}: the same body as a record that Jackson serialises on every
 *       request, still on the event loop. Its distance from {@code static} is the price of per-request
 *       JSON serialisation.</li>
 *   <li>{@code GET /baseline/worker}: the static body from a worker thread ({@code @Blocking}). Its
 *       distance from {@code static} is the price of the event-loop-to-worker hand-off.</li>
 * </ul>
 * The body is {@code baseline.body-file} verbatim when set (bench/run.sh passes a credential
 * response the broker actually sent, so the sizes match to the byte), otherwise a
 * credential-shaped JSON of {@code baseline.body-bytes} bytes (default 1278, the size of a broker
 * response with an embedded-STS token).
 */
@Path("/baseline")
@Produces(MediaType.APPLICATION_JSON)
public class BaselineResource {

    /** The fields of a broker credential response, so the serialised variant does the same work. */
    public record Credential(String accessKeyId, String accessKeySecret, String securityToken, String expiration,
                             String role, String roleArn, String sessionName) {
    }

    private final String body;
    private final Credential credential;

    public BaselineResource(ObjectMapper json,
                            @ConfigProperty(name = "baseline.body-file") Optional<String> bodyFile,
                            @ConfigProperty(name = "baseline.body-bytes", defaultValue = "1278") int bodyBytes) {
        String text = bodyFile.map(BaselineResource::read).orElseGet(() -> synthetic(json, bodyBytes));
        try {
            this.credential = json.readValue(text, Credential.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("baseline.body-file must hold a broker credential response: " + e, e);
        }
        this.body = text;
    }

    @GET
    @Path("static")
    @NonBlocking
    public String staticBody() {
        return body;
    }

    @GET
    @Path("serialized")
    @NonBlocking
    public Credential serialized() {
        return credential;
    }

    @GET
    @Path("worker")
    @Blocking
    public String worker() {
        return body;
    }

    private static String read(String file) {
        try {
            return Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("baseline.body-file unreadable: " + file, e);
        }
    }

    /** A credential-shaped JSON of exactly {@code bytes} bytes (the token is padded to fit). */
    private static String synthetic(ObjectMapper json, int bytes) {
        try {
            Credential shell = new Credential("STS.NUvZ8sAXYrPhFKxPqTmaUPbAc", "F3oPB6Xe9hU9kGAKMTLjSB5xvTGP8g8F9bHRbV8GcDXW",
                    "", "2026-11-27T12:00:00Z", "bench", "acs:ram::1234567890123456:role/bench", "key@bench-46b41cf4");
            int pad = Math.max(0, bytes - json.writeValueAsString(shell).length());
            return json.writeValueAsString(new Credential(shell.accessKeyId(), shell.accessKeySecret(), "CAIS" + "x".repeat(Math.max(0, pad - 4)),
                    shell.expiration(), shell.role(), shell.roleArn(), shell.sessionName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
