package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;

/** {@link AuthRefusalLoggingScenario} with the warm route on. */
@QuarkusTest
class AuthRefusalLoggingTest extends AuthRefusalLoggingScenario {
}
