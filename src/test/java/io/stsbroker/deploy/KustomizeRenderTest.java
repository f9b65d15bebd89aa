package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kustomization renders with kubectl, and everything it renders is valid Kubernetes. */
class KustomizeRenderTest {

    static final List<String> KUSTOMIZATIONS = List.of("k8s/base", "k8s/overlays/dev", "k8s/overlays/prod",
            "k8s/overlays/prod-oidc-issuer", "k8s/overlays/prod-ha", "k8s/overlays/prod-injector", "k8s/examples");
    /** Kustomize components: not rendered alone, each used by an overlay above. */
    static final List<String> COMPONENTS = List.of("k8s/components/jwks-oidc-issuer", "k8s/components/injector");
    /** The digest of the placeholder a release replaces (docs/DEPLOYING.md, "Images"). */
    static final String PLACEHOLDER_DIGEST = "sha256:" + "0".repeat(64);
    private static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer", "k8s/overlays/prod-ha",
            "k8s/overlays/prod-injector", "k8s/examples"})
    void kustomizationRendersOnlyObjectsTheKubernetesSchemaAccepts(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);

        assertThat(objects).as(dir).isNotEmpty();
        for (HasMetadata o : objects) {
            assertThat(o.getMetadata().getName()).as("%s: every object is named", dir).isNotBlank();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer", "k8s/overlays/prod-ha",
            "k8s/overlays/prod-injector"})
    void brokerKustomizationRendersTheWholeService(String dir) {
        Set<String> kinds = Manifests.render(dir).stream().map(HasMetadata::getKind).collect(Collectors.toSet());

        assertThat(kinds).contains("ServiceAccount", "Deployment", "Service", "ConfigMap", "Secret", "NetworkPolicy",
                "PodDisruptionBudget", "HorizontalPodAutoscaler");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer", "k8s/overlays/prod-ha"})
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
            List<String> all = new ArrayList<>(KUSTOMIZATIONS);
            all.addAll(COMPONENTS);
            // Opt-in, so no overlay uses it: MonitoringComponentTest renders it into the prod overlay.
            all.add(MonitoringComponentTest.COMPONENT);
            // Opt-in too: AuditFileComponentTest renders it into the prod overlay.
            all.add(AuditFileComponentTest.COMPONENT);
            // Opt-in for trying cluster mode: ProdHaOverlayTest renders it into the prod-ha overlay.
            all.add(ProdHaOverlayTest.COMPONENT);
            // Opt-in: TracingComponentTest renders it into the prod overlay.
            all.add(TracingComponentTest.COMPONENT);
            assertThat(dirs).containsExactlyInAnyOrderElementsOf(all);
        }
        for (String component : COMPONENTS) {
            assertThat(RepoFiles.read(component + "/kustomization.yaml")).contains("kind: Component");
            String name = component.substring(component.lastIndexOf('/') + 1);
            assertThat(KUSTOMIZATIONS).as("%s is rendered by some overlay", component)
                    .anySatisfy(k -> assertThat(RepoFiles.read(k + "/kustomization.yaml")).contains("components/" + name));
        }
    }

    // ---- images ---------------------------------------------------------------------------

    /** A tag can be moved to another image; a digest cannot. Releases replace the placeholder digest. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer", "k8s/overlays/prod-ha",
            "k8s/overlays/prod-injector", "k8s/examples"})
    void everyImageIsPinnedByDigest(String dir) {
        List<String> images = images(Manifests.render(dir));

        assertThat(images).as(dir).isNotEmpty();
        assertThat(images).as(dir).allSatisfy(image -> assertThat(pinnedByDigest(image)).as(image).isTrue());
    }

    @Test
    void digestCheckRefusesTagsAndAcceptsDigests() {
        assertThat(pinnedByDigest("sts-broker:0.1.0-SNAPSHOT")).isFalse();
        assertThat(pinnedByDigest("registry.cn-hangzhou.aliyuncs.com/sts-broker/sts-broker:0.1.0")).isFalse();
        assertThat(pinnedByDigest("sts-broker")).isFalse();
        assertThat(pinnedByDigest("sts-broker@sha256:abc")).isFalse();
        assertThat(pinnedByDigest("sts-broker:0.1.0@" + PLACEHOLDER_DIGEST)).isTrue();
        assertThat(pinnedByDigest("registry:5000/a/b@sha256:" + "ab".repeat(32))).isTrue();
    }

    @Test
    void placeholderDigestIsDocumentedWithTheReleaseStepThatReplacesIt() {
        String guide = RepoFiles.read("docs/DEPLOYING.md");

        assertThat(guide).contains(PLACEHOLDER_DIGEST).contains("kustomize edit set image");
    }

    static boolean pinnedByDigest(String image) {
        return PINNED.matcher(image).matches();
    }

    private static List<String> images(List<HasMetadata> objects) {
        List<String> out = new ArrayList<>();
        for (Deployment d : Manifests.all(objects, Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            List<Container> all = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                all.addAll(pod.getInitContainers());
            }
            all.forEach(c -> out.add(c.getImage()));
        }
        return out;
    }

    // ---- JWKS from the cluster's public OIDC issuer ----------------------------------------

    /**
     * For clusters with anonymous authentication disabled: tokens are verified against the public
     * OIDC issuer (ACK's RRSA provider), the broker needs no API server access, and everything
     * else is production's.
     */
    @Test
    void oidcIssuerOverlayVerifiesTokensAgainstThePublicIssuerInsteadOfTheApiServer() {
        List<HasMetadata> prod = Manifests.render("k8s/overlays/prod");
        List<HasMetadata> oidc = Manifests.render("k8s/overlays/prod-oidc-issuer");
        Map<String, String> env = BrokerDeploymentTest.env(Manifests.one(oidc, Deployment.class).getSpec().getTemplate()
                .getSpec().getContainers().get(0));
        String issuer = env.get("MP_JWT_VERIFY_ISSUER");

        assertThat(issuer).startsWith("https://").doesNotContain("kubernetes.default.svc");
        assertThat(env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION")).startsWith(issuer + "/");
        assertThat(env).containsEntry("MP_JWT_VERIFY_AUDIENCES", "sts-broker");
        // The keys come with a public certificate: the cluster CA must not be the only trust.
        assertThat(env).doesNotContainKey("SMALLRYE_JWT_CLIENT_TLS_CERTIFICATE_PATH");
        Set<String> policies = Manifests.all(oidc, NetworkPolicy.class).stream().map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
        assertThat(policies).doesNotContain("sts-broker-egress-apiserver").contains("sts-broker-egress-oidc-issuer", "sts-broker-egress-sts");
        assertThat(BrokerEgressTest.egressRules(oidc)).noneSatisfy(r -> assertThat(r.getPorts())
                .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(6443)));
        // Same objects otherwise, and the same broker settings apart from JWT verification.
        Map<String, String> prodEnv = new HashMap<>(BrokerDeploymentTest.env(Manifests.one(prod, Deployment.class).getSpec()
                .getTemplate().getSpec().getContainers().get(0)));
        prodEnv.keySet().removeIf(k -> k.startsWith("MP_JWT_VERIFY_PUBLICKEY_LOCATION") || k.equals("MP_JWT_VERIFY_ISSUER")
                || k.equals("SMALLRYE_JWT_CLIENT_TLS_CERTIFICATE_PATH"));
        Map<String, String> oidcEnv = new HashMap<>(env);
        oidcEnv.keySet().removeIf(k -> k.equals("MP_JWT_VERIFY_PUBLICKEY_LOCATION") || k.equals("MP_JWT_VERIFY_ISSUER"));
        assertThat(oidcEnv).isEqualTo(prodEnv);
        assertThat(oidc).hasSize(prod.size());
    }

    /** The component's placeholders and the way to find the real values are in the guide. */
    @Test
    void oidcIssuerAlternativeIsDocumented() {
        String guide = RepoFiles.read("docs/DEPLOYING.md");

        assertThat(guide).contains("k8s/overlays/prod-oidc-issuer", "k8s/components/jwks-oidc-issuer",
                ".well-known/openid-configuration", "jwks_uri");
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
