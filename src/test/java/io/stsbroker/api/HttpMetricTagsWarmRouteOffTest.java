package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link HttpMetricTagsTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(WarmRouteSwitchedOffTest.WarmRouteOff.class)
class HttpMetricTagsWarmRouteOffTest extends HttpMetricTagsTest {
}
