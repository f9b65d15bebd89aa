package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link StrictJsonBodiesTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(StrictJsonBodiesWarmRouteOffTest.WarmRouteOff.class)
class StrictJsonBodiesWarmRouteOffTest extends StrictJsonBodiesTest {

    /** A profile of its own: a test that counts cache hits in the shared one stays exact. */
    public static class WarmRouteOff extends io.stsbroker.testing.WarmRouteOff {
    }
}
