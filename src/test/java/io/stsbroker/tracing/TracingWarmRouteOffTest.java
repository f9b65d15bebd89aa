package io.stsbroker.tracing;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link TracingTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(TracingOn.WarmRouteOff.class)
class TracingWarmRouteOffTest extends TracingTest {
}
