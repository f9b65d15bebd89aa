package io.stsbroker.api.admission;

import java.util.HashMap;
import java.util.Map;

/** {@link InjectorOnly} with {@code broker.http.warm-route=false}. */
public class InjectorOnlyWarmRouteOff extends InjectorOnly {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> props = new HashMap<>(super.getConfigOverrides());
        props.put("broker.http.warm-route", "false");
        return props;
    }
}
