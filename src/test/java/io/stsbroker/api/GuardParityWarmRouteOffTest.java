package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GuardParity} with the warm route off. */
@QuarkusTest
@TestProfile(GuardProfile.Off.class)
class GuardParityWarmRouteOffTest extends GuardParity {
}
