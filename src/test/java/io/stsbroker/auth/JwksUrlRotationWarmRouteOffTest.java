package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link JwksUrlRotationScenario} with {@code broker.http.warm-route=false}. */
@QuarkusTest
@TestProfile(JwksUrlRotationScenario.JwksUrlWarmRouteOff.class)
class JwksUrlRotationWarmRouteOffTest extends JwksUrlRotationScenario {
}
