package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GuardParity} with the warm route on. */
@QuarkusTest
@TestProfile(GuardProfile.On.class)
class GuardParityWarmRouteOnTest extends GuardParity {
}
