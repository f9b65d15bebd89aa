package io.stsbroker.vending;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.WarmRouteOff;

/** {@link AssumeRoleParameters} with {@code broker.http.warm-route=false}. */
@QuarkusTest
@TestProfile(WarmRouteOff.class)
class AssumeRoleParametersWarmRouteOffTest extends AssumeRoleParameters {
}
