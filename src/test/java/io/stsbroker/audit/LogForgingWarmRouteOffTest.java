package io.stsbroker.audit;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link LogForgingTest} with {@code broker.http.warm-route=false}: every request on the full path. */
@QuarkusTest
@TestProfile(LogForgingWarmRouteOffTest.FileLogWarmRouteOff.class)
class LogForgingWarmRouteOffTest extends LogForgingTest {

    public static class FileLogWarmRouteOff extends LogForgingTest.FileLog {
        @Override
        protected boolean warmRoute() {
            return false;
        }
    }
}
