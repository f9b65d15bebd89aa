package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/monitoring as an overlay uses it (an overlay of the prod overlay, with the namespace set as
 * every overlay sets it): its ServiceMonitor scrapes
 * the broker Service's metrics port, its objects land in the broker's namespace, and the dashboard
 * ConfigMap carries dashboard.json unchanged. Without it, the overlays hold no monitoring objects.
 */
class MonitoringComponentTest {

    static final String COMPONENT = "k8s/monitoring";
    private static final String WITH_MONITORING = "target/monitoring-render";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<JsonNode> objects;

    @BeforeAll
    static void render() throws IOException {
        Path dir = RepoFiles.path(WITH_MONITORING);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: sts-broker
                resources:
                  - ../../k8s/overlays/prod
                components:
                  - ../../k8s/monitoring
                """);
        objects = Manifests.documents(Kubectl.kustomize(WITH_MONITORING));
    }

    private static JsonNode one(String kind) {
        List<JsonNode> found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    @Test
    void serviceMonitorScrapesTheMetricsPortOfTheBrokerService() {
        JsonNode monitor = one("ServiceMonitor");
        JsonNode service = one("Service");

        Map<String, String> selector = JSON.convertValue(monitor.at("/spec/selector/matchLabels"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        Map<String, String> serviceLabels = JSON.convertValue(service.at("/metadata/labels"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(serviceLabels).containsAllEntriesOf(selector);
        assertThat(monitor.at("/spec/endpoints")).hasSize(1);
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(endpoint.path("scheme").asText()).isEqualTo("http");
        JsonNode port = StreamSupport.stream(service.at("/spec/ports").spliterator(), false)
                .filter(p -> p.path("name").asText().equals(endpoint.path("port").asText())).findFirst().orElseThrow();
        assertThat(port.path("targetPort").asText()).isEqualTo("management");
        // The alerts select job="sts-broker": the ServiceMonitor's default job label is the Service's name.
        assertThat(service.at("/metadata/name").asText()).isEqualTo("sts-broker");
        assertThat(monitor.at("/spec/jobLabel").isMissingNode()).isTrue();
    }

    @Test
    void monitoringObjectsLandInTheBrokersNamespace() {
        // A ServiceMonitor without namespaceSelector looks for Services in its own namespace.
        assertThat(one("ServiceMonitor").at("/spec/namespaceSelector").isMissingNode()).isTrue();
        for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
            assertThat(one(kind).at("/metadata/namespace").asText()).as(kind).isEqualTo(one("Service").at("/metadata/namespace").asText());
        }
        JsonNode dashboard = objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")
                && o.at("/metadata/name").asText().equals("sts-broker-dashboard")).findFirst().orElseThrow();
        assertThat(dashboard.at("/metadata/namespace").asText()).isEqualTo("sts-broker");
        assertThat(dashboard.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(dashboard.at("/data/sts-broker.json").asText()).isEqualTo(RepoFiles.read(MonitoringFiles.DASHBOARD));
    }

    @Test
    void prometheusRuleIsTheFileTheUnitTestsCheck() {
        assertThat(one("PrometheusRule").path("spec")).isEqualTo(MonitoringFiles.rule().path("spec"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void monitoringIsOptIn(String dir) {
        assertThat(Kubectl.kustomize(dir)).doesNotContain("monitoring.coreos.com").doesNotContain("grafana_dashboard");
    }

    @Test
    void dashboardShowsWhatOperatorsAskFor() {
        String queries = String.join("\n", MonitoringFiles.dashboardQueries());

        assertThat(queries).contains("broker_vend_requests_total", "http_server_requests_seconds_bucket",
                "broker_cache_requests_total", "broker_upstream_budget_total", "broker_credentials_remaining_seconds_bucket",
                "broker_auth_failures_total", "outcome=\"Throttling\"", "broker_mints_refused_total");
        assertThat(MonitoringFiles.dashboard().path("uid").asText()).isEqualTo("sts-broker");
    }
}
