package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link AuthRefusalLoggingScenario} with {@code broker.http.warm-route=false}. */
@QuarkusTest
@TestProfile(AuthRefusalLoggingScenario.WarmRouteOff.class)
class AuthRefusalLoggingWarmRouteOffTest extends AuthRefusalLoggingScenario {
}
