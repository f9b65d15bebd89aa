package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.runtime.configuration.DurationConverter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown timings agree in every overlay: the pod's terminationGracePeriodSeconds covers the
 * preStop sleep plus the production profile's {@code quarkus.shutdown.timeout} (where requests in
 * flight finish) plus a margin for the JVM to exit, and that timeout exceeds
 * {@code broker.request-timeout}, the longest a request in flight can take. Otherwise the kubelet's
 * SIGKILL would cut off requests the broker is still finishing.
 */
class ShutdownSettingsTest {

    /** Time for the JVM to stop once requests are done (shutdown hooks, closing the STS client). */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void theGracePeriodCoversPreStopAndTheShutdownTimeout(String overlay) throws Exception {
        PodSpec pod = Manifests.one(Manifests.render(overlay), Deployment.class).getSpec().getTemplate().getSpec();
        Container broker = pod.getContainers().stream().filter(c -> c.getName().equals("sts-broker")).findFirst().orElseThrow();

        List<String> preStop = broker.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("/bin/sleep");
        Duration sleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        Duration shutdownTimeout = setting(broker, "QUARKUS_SHUTDOWN_TIMEOUT", "quarkus", "shutdown", "timeout");
        Duration requestTimeout = setting(broker, "BROKER_REQUEST_TIMEOUT", "broker", "request-timeout");
        Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());

        assertThat(shutdownTimeout).as("quarkus.shutdown.timeout vs broker.request-timeout").isGreaterThan(requestTimeout);
        assertThat(grace).as("terminationGracePeriodSeconds vs preStop %s + shutdown timeout %s + %s", sleep, shutdownTimeout, EXIT_MARGIN)
                .isGreaterThanOrEqualTo(sleep.plus(shutdownTimeout).plus(EXIT_MARGIN));
    }

    /** The container's environment variable if set, else the production profile's value in application.yml. */
    private static Duration setting(Container c, String env, String... path) throws Exception {
        Optional<String> fromEnv = c.getEnv().stream().filter(e -> e.getName().equals(env)).map(EnvVar::getValue).findFirst();
        if (fromEnv.isPresent()) {
            return new DurationConverter().convert(fromEnv.get());
        }
        JsonNode yml = new YAMLMapper().readTree(RepoFiles.read("src/main/resources/application.yml"));
        JsonNode prod = yml.path("%prod");
        JsonNode base = yml;
        for (String p : path) {
            prod = prod.path(p);
            base = base.path(p);
        }
        String value = prod.isMissingNode() ? base.asText(null) : prod.asText();
        assertThat(value).as(String.join(".", path) + " in application.yml").isNotNull();
        return new DurationConverter().convert(value);
    }
}
