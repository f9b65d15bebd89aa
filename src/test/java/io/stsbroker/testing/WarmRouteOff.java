package io.stsbroker.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test application with {@code broker.http.warm-route=false}: every credential request takes
 * the full path. Credential-request tests run under it as well as under the default profile (warm
 * route on); sharing this one profile class keeps that to one more application start.
 */
public class WarmRouteOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("broker.http.warm-route", "false");
    }
}
