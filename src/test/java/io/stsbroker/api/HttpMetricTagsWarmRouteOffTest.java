package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link HttpMetricTagsTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(HttpMetricTagsWarmRouteOffTest.WarmRouteOff.class)
class HttpMetricTagsWarmRouteOffTest extends HttpMetricTagsTest {

    /** A profile of its own: a test that counts cache hits in the shared one stays exact. */
    public static class WarmRouteOff extends io.stsbroker.testing.WarmRouteOff {
    }
}
