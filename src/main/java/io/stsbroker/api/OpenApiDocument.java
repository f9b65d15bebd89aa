package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /q/openapi}: the repository's {@code openapi.yaml} (packaged as
 * {@code META-INF/openapi.yaml}) byte for byte, or as JSON with {@code ?format=json} or
 * {@code Accept: application/json}.
 *
 * <p>Served here rather than by the SmallRye OpenAPI extension: the file is written by hand and is
 * the contract (annotation scanning would only disagree with it), and the extension parsed,
 * modelled and re-serialised it on every start (docs/BENCHMARKS.md, start-up).
 */
@Singleton
public class OpenApiDocument {

    static final String PATH = "/q/openapi";
    private static final String RESOURCE = "META-INF/openapi.yaml";

    private final byte[] yaml;
    private final ObjectMapper mapper;
    private volatile byte[] json;

    OpenApiDocument(ObjectMapper mapper) {
        this.mapper = mapper;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the application: the build copies openapi.yaml there");
            }
            this.yaml = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void install(@Observes Router router) {
        router.get(PATH).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        boolean asJson = "json".equals(ctx.request().getParam("format"))
                || (accept != null && accept.contains("application/json") && !accept.contains("yaml"));
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, asJson ? "application/json;charset=UTF-8" : "application/yaml;charset=UTF-8")
                .end(Buffer.buffer(asJson ? json() : yaml));
    }

    /** The JSON form, made on first request: most clients read the YAML. */
    private byte[] json() {
        byte[] j = json;
        if (j == null) {
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(yaml, StandardCharsets.UTF_8));
            try {
                j = mapper.writeValueAsBytes(tree);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("openapi.yaml cannot be written as JSON", e);
            }
            json = j;
        }
        return j;
    }
}
