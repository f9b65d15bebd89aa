package io.stsbroker.tracing;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.WarmRouteOff;

/** {@link TracingOffTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(WarmRouteOff.class)
class TracingOffWarmRouteOffTest extends TracingOffTest {
}
