package io.stsbroker.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs the end-to-end tests in an application of their own: same {@code test} configuration, but
 * its own {@link io.stsbroker.testsupport.MutableClock}.
 *
 * <p>Why: these tests move the application's clock by hours (rotations, expiry), and it never
 * moves back. Tests in the shared application that sign with the wall clock against the embedded
 * STS (its ±15-minute Timestamp window is checked on the application's clock, e.g.
 * {@code OfficialSdkWireCompatibilityTest}) then fail with {@code InvalidTimeStamp.Expired}
 * whenever they happen to run after them. One extra start-up buys independence from test order.
 */
public class E2eProfile implements QuarkusTestProfile {
}
