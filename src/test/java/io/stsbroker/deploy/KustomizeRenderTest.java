package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kustomization renders with kubectl, and everything it renders is valid Kubernetes. */
class KustomizeRenderTest {

    static final List<String> KUSTOMIZATIONS = List.of("k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/examples");

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/examples"})
    void kustomizationRendersOnlyObjectsTheKubernetesSchemaAccepts(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);

        assertThat(objects).as(dir).isNotEmpty();
        for (HasMetadata o : objects) {
            assertThat(o.getMetadata().getName()).as("%s: every object is named", dir).isNotBlank();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void brokerKustomizationRendersTheWholeService(String dir) {
        Set<String> kinds = Manifests.render(dir).stream().map(HasMetadata::getKind).collect(Collectors.toSet());

        assertThat(kinds).contains("ServiceAccount", "Deployment", "Service", "ConfigMap", "Secret", "NetworkPolicy",
                "PodDisruptionBudget", "HorizontalPodAutoscaler");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
    void overlayPutsEveryObjectInTheBrokerNamespace(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);

        assertThat(Manifests.one(objects, Namespace.class).getMetadata().getName()).isEqualTo("sts-broker");
        objects.stream().filter(o -> !(o instanceof Namespace)).forEach(o ->
                assertThat(o.getMetadata().getNamespace()).as("%s %s", o.getKind(), o.getMetadata().getName())
                        .isEqualTo("sts-broker"));
    }

    @Test
    void everyKustomizationInTheRepositoryIsChecked() throws IOException {
        try (Stream<Path> files = Files.walk(RepoFiles.path("k8s"))) {
            Set<String> dirs = files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> RepoFiles.root().relativize(p.getParent()).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
            List<String> checked = new java.util.ArrayList<>(KUSTOMIZATIONS);
            checked.add(MonitoringComponentTest.COMPONENT);
            assertThat(dirs).containsExactlyInAnyOrderElementsOf(checked);
        }
    }

    // The strict binding must have teeth: these are the mistakes it exists to catch.

    @Test
    void strictBindingRejectsAMisspeltField() {
        String yaml = deployment("readOnlyRootFileSystem: true");

        assertThatThrownBy(() -> Manifests.bind(Manifests.documents(yaml).get(0)))
                .hasMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void strictBindingRejectsAQuotedNumber() {
        String yaml = deployment("runAsUser: \"10001\"");

        assertThatThrownBy(() -> Manifests.bind(Manifests.documents(yaml).get(0)))
                .hasMessageContaining("does not match the Kubernetes schema");
    }

    @Test
    void strictBindingRejectsAnUnquotedBooleanLabelValue() {
        String yaml = """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: x
                  labels:
                    sts-broker.io/client: true
                """;

        assertThatThrownBy(() -> Manifests.bind(Manifests.documents(yaml).get(0)))
                .hasMessageContaining("does not match the Kubernetes schema");
    }

    @Test
    void strictBindingRejectsAnApiVersionOffTheList() {
        String yaml = """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata:
                  name: x
                spec:
                  minAvailable: 1
                """;

        assertThatThrownBy(() -> Manifests.bind(Manifests.documents(yaml).get(0)))
                .hasMessageContaining("unexpected apiVersion/kind policy/v1beta1/PodDisruptionBudget");
    }

    @Test
    void strictBindingAcceptsAWellFormedObject() {
        String yaml = deployment("readOnlyRootFilesystem: true");

        assertThat(Manifests.bind(Manifests.documents(yaml).get(0)).getMetadata().getName()).isEqualTo("x");
    }

    private static String deployment(String containerSecurityLine) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  selector:
                    matchLabels: {app: x}
                  template:
                    metadata:
                      labels: {app: x}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          securityContext:
                            %s
                """.formatted(containerSecurityLine);
    }
}
