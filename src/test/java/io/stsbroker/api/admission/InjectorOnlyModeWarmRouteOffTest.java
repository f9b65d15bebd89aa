package io.stsbroker.api.admission;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link InjectorOnlyModeTest} with the warm route off: the credential API is just as absent. */
@QuarkusTest
@TestProfile(InjectorOnlyWarmRouteOff.class)
class InjectorOnlyModeWarmRouteOffTest extends InjectorOnlyModeTest {
}
