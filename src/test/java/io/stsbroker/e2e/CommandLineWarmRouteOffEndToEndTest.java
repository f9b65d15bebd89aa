package io.stsbroker.e2e;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/** {@link CommandLineEndToEndTest} with {@code broker.http.warm-route=false}: every request takes the full path. */
@QuarkusTest
@TestProfile(CommandLineWarmRouteOffEndToEndTest.WarmRouteOff.class)
class CommandLineWarmRouteOffEndToEndTest extends CommandLineEndToEndTest {

    /** The end-to-end profile (its own clock) with the warm route switched off. */
    public static class WarmRouteOff extends E2eProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.http.warm-route", "false");
        }
    }
}
