package io.stsbroker.api.admission;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test application with the admission webhook beside the credential API
 * ({@code broker.injector.enabled=true}), a small webhook body limit so 413 is cheap to reach, and
 * the broker's test CA to inject.
 */
public class InjectorEnabled implements QuarkusTestProfile {

    static final String BROKER_URL = "https://sts-broker.sts-broker.svc";
    static final String IMAGE = "registry.example/sts-broker-sidecar:1.2.3";
    static final String CA_FILE = "src/test/resources/admission/broker-ca.pem";
    static final int MAX_BODY = 65536;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("broker.injector.enabled", "true",
                "broker.injector.broker-url", BROKER_URL,
                "broker.injector.sidecar-image", IMAGE,
                "broker.injector.broker-ca-file", CA_FILE,
                "broker.injector.excluded-namespaces", "sts-broker,sts-broker-injector",
                "broker.injector.max-body-size", Integer.toString(MAX_BODY));
    }
}
