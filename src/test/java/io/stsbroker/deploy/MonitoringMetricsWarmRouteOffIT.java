package io.stsbroker.deploy;

import java.util.List;

/** {@link MonitoringMetricsContract} with {@code broker.http.warm-route=false}: every request takes the full path. */
class MonitoringMetricsWarmRouteOffIT extends MonitoringMetricsContract {

    @Override
    List<String> properties() {
        return List.of("-Dbroker.http.warm-route=false");
    }
}
