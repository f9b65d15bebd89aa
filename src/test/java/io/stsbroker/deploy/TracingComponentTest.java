package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/components/tracing in the prod overlay: the OTLP endpoint that turns tracing on is set, and an
 * egress policy lets the broker reach exactly that port on the collector's pods (the base allows
 * nothing but DNS, the API server and STS), while the prod overlay's own policies stay as they are.
 */
class TracingComponentTest {

    static final String COMPONENT = "k8s/components/tracing";
    private static final String RENDER = "target/tracing-render";
    private static List<HasMetadata> objects;
    private static Container broker;

    @BeforeAll
    static void render() throws IOException {
        objects = Manifests.renderWithComponent(RENDER, "k8s/overlays/prod", COMPONENT);
        broker = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("sts-broker")).findFirst().orElseThrow();
    }

    private static Map<String, String> env() {
        return broker.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void theEndpointIsAnHttpUrlWithAHostAndPortAsTheBrokerRequires() {
        URI endpoint = URI.create(env().get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"));
        assertThat(endpoint.getScheme()).isIn("http", "https");
        assertThat(endpoint.getHost()).isNotBlank();
        assertThat(endpoint.getPort()).as("an explicit port, which the egress policy must name").isPositive();
        assertThat(Double.parseDouble(env().get("QUARKUS_OTEL_TRACES_SAMPLER_ARG"))).isBetween(0.0, 1.0);
    }

    @Test
    void egressReachesTheEndpointsPortOnTheCollectorOnly() {
        int port = URI.create(env().get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT")).getPort();
        List<NetworkPolicyEgressRule> collectorRules = BrokerEgressTest.egressPolicies(objects).stream()
                .filter(np -> np.getMetadata().getName().equals("sts-broker-egress-otel-collector"))
                .flatMap(np -> np.getSpec().getEgress().stream()).toList();
        assertThat(collectorRules).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getProtocol()).isEqualTo("TCP");
                assertThat(p.getPort()).isEqualTo(new IntOrString(port));
            });
            // Chosen by labels in a named namespace: never an address range or every pod.
            assertThat(rule.getTo()).isNotEmpty().allSatisfy((NetworkPolicyPeer peer) -> {
                assertThat(peer.getIpBlock()).isNull();
                assertThat(peer.getNamespaceSelector().getMatchLabels()).containsKey("kubernetes.io/metadata.name");
                assertThat(peer.getPodSelector().getMatchLabels()).isNotEmpty();
            });
        });
    }

    @Test
    void theProdOverlaysOwnEgressPoliciesAreUntouched() {
        List<String> names = BrokerEgressTest.egressPolicies(objects).stream().map(np -> np.getMetadata().getName()).toList();
        assertThat(names).containsExactlyInAnyOrder("sts-broker-egress-dns", "sts-broker-egress-apiserver",
                "sts-broker-egress-sts", "sts-broker-egress-otel-collector");
    }
}
