package io.stsbroker.vending;

import io.quarkus.test.junit.QuarkusTest;

/** {@link AssumeRoleParameters} with the warm route on (the default). */
@QuarkusTest
class AssumeRoleParametersTest extends AssumeRoleParameters {
}
