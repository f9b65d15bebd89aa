package io.stsbroker.api.admission;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * An injector-only replica as the shipped manifests run it: its own configuration profile, so none
 * of the test profile's API keys, JWT keys or embedded STS apply; provider {@code none}; one role
 * in the catalogue for the grant check.
 */
public class InjectorOnly implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "injector-only";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", "0",
                "broker.sts.provider", "none",
                "broker.injector.enabled", "true",
                "broker.injector.only", "true",
                "broker.injector.broker-url", InjectorEnabled.BROKER_URL,
                "broker.injector.sidecar-image", InjectorEnabled.IMAGE,
                "broker.roles.search-reader.arn", "acs:ram::1234567890123456:role/search-reader",
                "broker.roles.search-reader.allow", "system:serviceaccount:search:*");
    }
}
