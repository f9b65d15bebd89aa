package io.stsbroker.api;

import io.stsbroker.sts.StsClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the STS provider can take calls (for the embedded one: when it is listening). */
@Readiness
@ApplicationScoped
public class StsReadinessCheck implements HealthCheck {

    private final StsClient sts;

    public StsReadinessCheck(StsClient sts) {
        this.sts = sts;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("sts-provider")
                .status(sts.ready())
                .withData("provider", sts.providerName())
                .build();
    }
}
