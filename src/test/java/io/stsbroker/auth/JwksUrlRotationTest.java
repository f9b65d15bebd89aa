package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link JwksUrlRotationScenario} with the warm route on. */
@QuarkusTest
@TestProfile(JwksUrlRotationScenario.JwksUrl.class)
class JwksUrlRotationTest extends JwksUrlRotationScenario {
}
