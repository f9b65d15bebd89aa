package io.stsbroker.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps the {@code uri} tag of Quarkus' HTTP server metrics ({@code http_server_requests} and the
 * other {@code http.server.*} meters) to the API's own route templates: any other value becomes
 * {@value #UNKNOWN}.
 *
 * <p>Why: a request refused before JAX-RS matched a route (401 from proactive authentication, 413,
 * 431, a 404 answered by our error handler) is tagged with its raw path, so anonymous requests to
 * random paths each made a series until Quarkus' cap of 100 {@code uri} values, after which
 * endpoints first used later got none at all. {@code /v1/credentials/<role>} is already folded into
 * its template by {@code quarkus.micrometer.binder.http-server.match-patterns}; {@code /q/*} is not
 * recorded (Quarkus' {@code suppress-non-application-uris}).
 *
 * <p><b>Note:</b> a new resource path must be added to {@link #TEMPLATES}, or its requests are
 * counted as {@value #UNKNOWN}; a test compares this list with {@code openapi.yaml}.
 */
@Singleton
public class HttpMetricTags {

    /** The value every {@code uri} outside {@link #TEMPLATES} is replaced with. */
    static final String UNKNOWN = "UNKNOWN";

    /** The API's route templates, as JAX-RS reports them (and as {@code openapi.yaml} lists them). */
    static final Set<String> TEMPLATES = Set.of("/api/v1/status", "/v1/roles", "/v1/credentials",
            "/v1/credentials/{role}", "/v1/admin/invalidate", "/v1/admin/usage", "/v1/admission/mutate");

    /** Values Quarkus itself uses for requests without a template: kept, they are a bounded set. */
    private static final Set<String> QUARKUS_VALUES = Set.of("NOT_FOUND", "REDIRECTION", UNKNOWN, "root");

    @Produces
    @Singleton
    MeterFilter collapseUnknownUris() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String uri = id.getName().startsWith("http.server.") ? id.getTag("uri") : null;
                if (uri == null || TEMPLATES.contains(uri) || QUARKUS_VALUES.contains(uri)) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag t : id.getTagsAsIterable()) {
                    tags.add(t.getKey().equals("uri") ? Tag.of("uri", UNKNOWN) : t);
                }
                return id.replaceTags(tags);
            }
        };
    }
}
