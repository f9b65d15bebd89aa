package io.stsbroker.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

import java.nio.file.Path;

/**
 * Makes every REST Assured call in every {@code @QuarkusTest} validate the broker's response
 * against the top-level {@code openapi.yaml}: a response that drifts from the contract fails the
 * test that received it.
 *
 * <p>Requests are not validated, because many tests send invalid requests on purpose; paths the
 * contract does not describe (probing 404s) are skipped for the same reason.
 */
public class OpenApiContract implements QuarkusTestBeforeEachCallback {

    private static volatile boolean installed;

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        install();
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        String spec = Path.of("openapi.yaml").toAbsolutePath().toUri().toString();
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForSpecificationUrl(spec)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        RestAssured.filters(new OpenApiValidationFilter(validator));
        installed = true;
    }
}
