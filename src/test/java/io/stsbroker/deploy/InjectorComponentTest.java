package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.stsbroker.api.admission.AdmissionRoute;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.config.BrokerConfigValidator;
import io.stsbroker.injection.OptIn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * k8s/components/injector as rendered into k8s/overlays/prod-injector: the injector is its own
 * Deployment of the broker's image in injector-only mode, holding no credentials, reachable only
 * from the API server, with a webhook configuration that selects opted-in pods only and trusts the
 * certificate cert-manager issues for the injector's Service.
 */
class InjectorComponentTest {

    static final String OVERLAY = "k8s/overlays/prod-injector";
    private static List<HasMetadata> objects;

    @BeforeAll
    static void render() {
        objects = Manifests.render(OVERLAY);
    }

    private static <T extends HasMetadata> T named(Class<T> type, String name) {
        return Manifests.all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static Container injector() {
        return named(Deployment.class, "sts-broker-injector").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> Objects.toString(e.getValue(), "")));
    }

    private static GenericKubernetesResource certManager(String kind, String name) {
        return Manifests.all(objects, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    @Test
    void injectorRunsTheBrokersImageInInjectorOnlyModeAndStartUpAcceptsItsSettings() {
        Deployment broker = named(Deployment.class, "sts-broker");
        Map<String, String> env = env(injector());
        BrokerConfig config = new SmallRyeConfigBuilder().withMapping(BrokerConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withSources(new EnvConfigSource(env, 300)).build().getConfigMapping(BrokerConfig.class);

        assertThat(injector().getImage()).isEqualTo(broker.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertThat(env).containsEntry("BROKER_STS_PROVIDER", "none").containsEntry("BROKER_INJECTOR_ONLY", "true")
                .containsEntry("BROKER_INJECTOR_ENABLED", "true");
        assertThat(config.injector().only()).isTrue();
        assertThatCode(() -> BrokerConfigValidator.validate(config, BrokerConfigValidator.ServerSettings.defaults(Map.of())))
                .doesNotThrowAnyException();
        assertThat(config.injector().excludedNamespaces().orElseThrow()).contains("sts-broker");
        assertThat(KustomizeRenderTest.pinnedByDigest(config.injector().sidecarImage().orElseThrow())).isTrue();
    }

    @Test
    void injectorHoldsNoCredentialsAndNoApiToken() {
        Deployment d = named(Deployment.class, "sts-broker-injector");
        List<String> secrets = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).map(v -> v.getSecret().getSecretName()).toList();

        assertThat(d.getMetadata().getNamespace()).isEqualTo("sts-broker");
        assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("sts-broker-injector");
        assertThat(named(ServiceAccount.class, "sts-broker-injector").getAutomountServiceAccountToken()).isFalse();
        assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(secrets).as("only its own TLS certificate: no API keys, not the broker's key")
                .containsExactly("sts-broker-injector-tls");
        assertThat(env(injector())).doesNotContainKeys("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE");
        assertThat(d.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void onlyTheApiServerRangeReachesTheWebhookPortAndTheInjectorCallsNothing() {
        NetworkPolicy np = named(NetworkPolicy.class, "sts-broker-injector");

        assertThat(np.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(named(Deployment.class, "sts-broker-injector").getSpec().getSelector().getMatchLabels());
        assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(np.getSpec().getEgress()).isEmpty();
        var webhookPort = np.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 8443)).toList();
        assertThat(webhookPort).singleElement().satisfies(r -> assertThat(r.getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getIpBlock()).isNotNull();
            assertThat(peer.getPodSelector()).isNull();
            assertThat(peer.getNamespaceSelector()).isNull();
        }));
    }

    @Test
    void podWebhookSelectsOptedInPodsFailsClosedAndCallsTheInjectorService() {
        MutatingWebhookConfiguration config = named(MutatingWebhookConfiguration.class, "sts-broker-injector");
        Service service = named(Service.class, "sts-broker-injector");
        MutatingWebhook pods = config.getWebhooks().stream().filter(w -> w.getName().startsWith("pods.")).findFirst().orElseThrow();

        assertThat(pods.getFailurePolicy()).isEqualTo("Fail");
        assertThat(pods.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(pods.getSideEffects()).isEqualTo("None");
        assertThat(pods.getAdmissionReviewVersions()).containsExactly("v1");
        assertThat(pods.getObjectSelector().getMatchLabels()).containsExactly(Map.entry(OptIn.INJECT_LABEL, OptIn.POD_OPT_IN));
        assertThat(pods.getNamespaceSelector().getMatchExpressions()).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo(OptIn.INJECT_LABEL);
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly("enabled");
        }).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
            assertThat(e.getOperator()).isEqualTo("NotIn");
            assertThat(e.getValues()).contains("kube-system", "sts-broker");
        });
        assertThat(pods.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("pods");
            assertThat(r.getOperations()).containsExactly("CREATE");
        });
        var target = pods.getClientConfig().getService();
        assertThat(target.getName()).isEqualTo(service.getMetadata().getName());
        assertThat(target.getNamespace()).isEqualTo(service.getMetadata().getNamespace());
        assertThat(target.getPath()).isEqualTo(AdmissionRoute.PATH);
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(target.getPort()));
    }

    @Test
    void workloadWebhookChecksEveryWorkloadKindAndNeverBlocks() {
        MutatingWebhook workloads = named(MutatingWebhookConfiguration.class, "sts-broker-injector").getWebhooks().stream()
                .filter(w -> w.getName().startsWith("workloads.")).findFirst().orElseThrow();

        assertThat(workloads.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(workloads.getObjectSelector()).isNull();
        assertThat(workloads.getRules().stream().flatMap(r -> r.getResources().stream()))
                .containsExactlyInAnyOrder("deployments", "statefulsets", "daemonsets", "jobs", "cronjobs");
    }

    @Test
    void certManagerIssuesTheServiceCertificateAndInjectsItsCaIntoTheWebhook() {
        MutatingWebhookConfiguration config = named(MutatingWebhookConfiguration.class, "sts-broker-injector");
        String from = config.getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from");
        GenericKubernetesResource cert = certManager("Certificate", from.substring(from.indexOf('/') + 1));
        Volume tls = named(Deployment.class, "sts-broker-injector").getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();

        assertThat(from).startsWith(cert.getMetadata().getNamespace() + "/");
        assertThat(spec(cert).get("secretName")).isEqualTo(tls.getSecret().getSecretName());
        assertThat(spec(cert).get("dnsNames")).isEqualTo(List.of("sts-broker-injector.sts-broker.svc"));
        @SuppressWarnings("unchecked")
        Map<String, Object> issuerRef = (Map<String, Object>) spec(cert).get("issuerRef");
        GenericKubernetesResource issuer = certManager("Issuer", (String) issuerRef.get("name"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ca = (Map<String, Object>) spec(issuer).get("ca");
        assertThat(spec(certManager("Certificate", "sts-broker-injector-ca")).get("secretName")).isEqualTo(ca.get("secretName"));
        assertThat(spec(certManager("Certificate", "sts-broker-injector-ca")).get("isCA")).isEqualTo(true);
    }

    @Test
    void guideDocumentsTheWebhookItsTlsWithoutCertManagerAndItsFailurePolicy() {
        String guide = RepoFiles.read("docs/DEPLOYING.md");
        String readme = RepoFiles.read("README.md");

        assertThat(guide).contains("k8s/overlays/prod-injector", "k8s/components/injector", "caBundle", "failurePolicy",
                "Ignore", "sts-broker-ca");
        assertThat(readme).contains(OptIn.INJECT_LABEL + "=enabled", OptIn.INJECT_LABEL + ": \"true\"", OptIn.ROLE, "broker.injector.enabled",
                "broker_injector_ungranted_total");
    }
}
