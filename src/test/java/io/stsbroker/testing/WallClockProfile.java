package io.stsbroker.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * An application of its own for tests whose client signs with the wall clock (the official STS
 * SDK), so that clock jumps made by other tests in the shared application (the embedded STS
 * checks a ±15-minute Timestamp window on the application's {@link io.stsbroker.testsupport.MutableClock}) cannot fail
 * them, whatever order the test classes run in.
 */
public class WallClockProfile implements QuarkusTestProfile {
}
