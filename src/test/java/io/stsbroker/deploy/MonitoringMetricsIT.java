package io.stsbroker.deploy;

import java.util.List;

/** {@link MonitoringMetricsContract} with the warm route on (the default). */
class MonitoringMetricsIT extends MonitoringMetricsContract {

    @Override
    List<String> properties() {
        return List.of();
    }
}
