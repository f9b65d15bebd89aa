package io.stsbroker.hardening.upstream;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import java.util.HashMap;
import java.util.Map;

/** {@link MintFloodTest} with {@code broker.http.warm-route=false}: every request takes the full path. */
@QuarkusTest
@TestProfile(MintFloodWarmRouteOffTest.SmallBudgetWarmRouteOff.class)
class MintFloodWarmRouteOffTest extends MintFloodTest {

    public static class SmallBudgetWarmRouteOff extends SmallBudget {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("broker.http.warm-route", "false");
            return m;
        }
    }
}
