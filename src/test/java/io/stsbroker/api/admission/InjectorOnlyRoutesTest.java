package io.stsbroker.api.admission;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which paths an injector-only replica serves; both the normalized and the raw path must agree. */
class InjectorOnlyRoutesTest {

    @Test
    void onlyWebhookHealthAndMetricsPassTheInjectorOnlyFilter() {
        assertThat(InjectorOnlyRoutes.served("/v1/admission/mutate", "/v1/admission/mutate")).isTrue();
        assertThat(InjectorOnlyRoutes.served("/q/health/ready", "/q/health/ready")).isTrue();
        assertThat(InjectorOnlyRoutes.served("/q/metrics", "/q/metrics")).isTrue();
        assertThat(InjectorOnlyRoutes.served("/q/healthz", "/q/healthz")).isFalse();
        assertThat(InjectorOnlyRoutes.served("/v1/roles", "/q/health/../../v1/roles")).isFalse();
        assertThat(InjectorOnlyRoutes.served("/q/health", "/q/%68ealth")).isFalse();
        assertThat(InjectorOnlyRoutes.served("/q/openapi", "/q/openapi")).isFalse();
    }
}
