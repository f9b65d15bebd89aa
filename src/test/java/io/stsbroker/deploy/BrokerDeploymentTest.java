package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered broker Deployment of the base and of each overlay keeps the security and
 * availability settings, and the objects around it (Service, NetworkPolicy, PDB, HPA,
 * ServiceAccount, generated config) really point at it.
 */
class BrokerDeploymentTest {

    static final String CLIENT_LABEL = "sts-broker.io/client";
    static final int TLS_PORT = 8443;
    /** Alibaba's AssumeRole quota per account (docs/PROTOCOLS.md, section 1). */
    static final int ACCOUNT_ASSUME_ROLE_PER_SECOND = 100;

    // ---- the pod: security ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void podRunsAsTheImagesNonRootUserWithTheRuntimeDefaultSeccompProfile(String dir) {
        PodSpec pod = deployment(dir).getSpec().getTemplate().getSpec();
        PodSecurityContext psc = pod.getSecurityContext();

        assertThat(psc.getRunAsNonRoot()).isTrue();
        assertThat(psc.getRunAsUser()).isEqualTo(Dockerfiles.broker().uid()).isNotZero();
        assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void containerCannotEscalateWriteItsRootFilesystemOrUseCapabilities(String dir) {
        SecurityContext sc = broker(dir).getSecurityContext();

        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isEqualTo(Dockerfiles.broker().uid());
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void tmpIsTheOnlyWritableMountAndIsAnEmptyDir(String dir) {
        PodSpec pod = deployment(dir).getSpec().getTemplate().getSpec();
        List<VolumeMount> mounts = broker(dir).getVolumeMounts();

        List<VolumeMount> writable = mounts.stream().filter(m -> !Boolean.TRUE.equals(m.getReadOnly())).toList();
        assertThat(writable).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
        assertThat(volume(pod, writable.get(0).getName()).getEmptyDir()).isNotNull();
        assertThat(Dockerfiles.broker().javaOpts()).contains("-Djava.io.tmpdir=/tmp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void podCarriesNoKubernetesApiTokenAndNoServiceLinks(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        PodSpec pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        ServiceAccount sa = Manifests.one(objects, ServiceAccount.class);

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(sa.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void serviceAccountAsksAckRrsaForTheBrokersOwnRamRole(String dir) {
        ServiceAccount sa = Manifests.one(Manifests.render(dir), ServiceAccount.class);

        assertThat(sa.getMetadata().getAnnotations()).containsKey("pod-identity.alibabacloud.com/role-name");
        assertThat(sa.getMetadata().getAnnotations().get("pod-identity.alibabacloud.com/role-name")).isNotBlank();
    }

    @Test
    void productionNamespaceEnablesRrsaInjection() {
        Namespace ns = Manifests.one(Manifests.render("k8s/overlays/prod"), Namespace.class);

        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-identity.alibabacloud.com/injection", "on");
    }

    // ---- the pod: runtime -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void probesUseTheHealthEndpointsOnADeclaredPort(String dir) {
        Container c = broker(dir);
        Set<String> portNames = c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());

        assertThat(httpGet(c.getStartupProbe()).getPath()).isEqualTo("/q/health/started");
        assertThat(httpGet(c.getLivenessProbe()).getPath()).isEqualTo("/q/health/live");
        assertThat(httpGet(c.getReadinessProbe()).getPath()).isEqualTo("/q/health/ready");
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
            assertThat(portNames).contains(httpGet(p).getPort().getStrVal());
            assertThat(httpGet(p).getScheme()).isEqualTo("HTTPS");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void resourcesAreBoundedAndMemoryIsGuaranteed(String dir) {
        ResourceRequirements r = broker(dir).getResources();

        assertThat(r.getRequests()).containsKeys("cpu", "memory");
        assertThat(r.getLimits()).containsKeys("cpu", "memory");
        // The heap is a percentage of the limit; a lower request would make the pod an early eviction candidate.
        assertThat(r.getRequests().get("memory")).isEqualTo(r.getLimits().get("memory"));
        assertThat(Dockerfiles.broker().javaOpts()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void brokerServesTlsOnlyAndNeverExposesTheEmbeddedStsPort(String dir) {
        Container c = broker(dir);
        Map<String, String> env = env(c);
        PodSpec pod = deployment(dir).getSpec().getTemplate().getSpec();

        assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(TLS_PORT);
        assertThat(env).containsEntry("QUARKUS_HTTP_SSL_PORT", String.valueOf(TLS_PORT))
                .containsEntry("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
        for (String fileVar : List.of("QUARKUS_HTTP_SSL_CERTIFICATE_FILES", "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES")) {
            String file = env.get(fileVar);
            VolumeMount mount = mountHolding(c, file);
            assertThat(volume(pod, mount.getName()).getSecret()).as("%s comes from a Secret", fileVar).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void rolesFileIsAFixedNameConfigMapMountedAsADirectorySoItReloadsWithoutARestart(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        Deployment d = Manifests.one(objects, Deployment.class);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        String rolesFile = env(c).get("BROKER_ROLES_FILE");

        // subPath mounts never see updates to their ConfigMap or Secret.
        assertThat(c.getVolumeMounts()).allSatisfy(m -> assertThat(m.getSubPath()).as(m.getMountPath()).isNull());
        assertThat(rolesFile).isNotBlank();
        VolumeMount mount = mountHolding(c, rolesFile);
        assertThat(mount.getReadOnly()).isTrue();
        String cmName = volume(pod, mount.getName()).getConfigMap().getName();
        // A generated name with a content hash would change on every edit and roll the pods instead.
        assertThat(cmName).isEqualTo("sts-broker-roles");
        ConfigMap cm = Manifests.named(objects, ConfigMap.class, cmName).orElseThrow();
        assertThat(cm.getData()).containsOnlyKeys(rolesFile.substring(mount.getMountPath().length() + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void apiKeyDigestsAreAGeneratedSecretWhereQuarkusLooksSoAChangeRollsThePods(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        PodSpec pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        VolumeMount config = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(Dockerfiles.broker().workdir() + "/config")).findFirst().orElseThrow();
        String secret = volume(pod, config.getName()).getSecret().getSecretName();

        assertThat(secret).startsWith("sts-broker-api-keys-");
        assertThat(Manifests.named(objects, Secret.class, secret)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void noPlainApiKeyIsPassedThroughTheEnvironment(String dir) {
        assertThat(env(broker(dir)).keySet()).noneMatch(k -> k.startsWith("BROKER_API_KEYS"));
    }

    // ---- per environment ------------------------------------------------------------------

    @Test
    void baseLeavesTheStsProviderToTheOverlays() {
        assertThat(env(broker("k8s/base"))).doesNotContainKey("BROKER_STS_PROVIDER");
    }

    @Test
    void devUsesTheEmbeddedStsWithOneReplica() {
        HorizontalPodAutoscaler hpa = Manifests.one(Manifests.render("k8s/overlays/dev"), HorizontalPodAutoscaler.class);

        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(env(broker("k8s/overlays/dev"))).containsEntry("BROKER_STS_PROVIDER", "embedded");
    }

    @Test
    void prodUsesAlibabaStsOverAnHttpsEndpointAndVerifiesClusterTokensForOurAudience() {
        Map<String, String> env = env(broker("k8s/overlays/prod"));

        assertThat(env).containsEntry("BROKER_STS_PROVIDER", "alibaba");
        assertThat(env.get("BROKER_STS_ENDPOINT")).matches("https://sts(-vpc)?(\\.[a-z0-9-]+)?\\.aliyuncs\\.com");
        assertThat(env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION")).startsWith("https://");
        assertThat(env.get("MP_JWT_VERIFY_ISSUER")).startsWith("https://");
        assertThat(env).containsEntry("MP_JWT_VERIFY_AUDIENCES", "sts-broker");
    }

    // ---- availability ---------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/prod"})
    void replicasAreSpreadOverNodes(String dir) {
        Deployment d = deployment(dir);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();

        assertThat(autoscaler(dir).getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        TopologySpreadConstraint byNode = d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().stream()
                .filter(t -> t.getTopologyKey().equals("kubernetes.io/hostname")).findFirst().orElseThrow();
        assertThat(byNode.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
        assertThat(byNode.getMaxSkew()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(byNode.getLabelSelector().getMatchLabels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void disruptionBudgetCoversTheBrokerPodsWithoutBlockingDrains(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        Deployment d = Manifests.one(objects, Deployment.class);
        PodDisruptionBudget pdb = Manifests.one(objects, PodDisruptionBudget.class);

        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        if (autoscaler(dir).getSpec().getMinReplicas() > 1) {
            assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        } else {
            // minAvailable 1 of 1 replica would block every node drain.
            assertThat(pdb.getSpec().getMinAvailable()).isNull();
            assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void autoscalerScalesTheBrokerOnCpuFromItsReplicaCount(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        Deployment d = Manifests.one(objects, Deployment.class);
        HorizontalPodAutoscaler hpa = Manifests.one(objects, HorizontalPodAutoscaler.class);

        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(d.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(1);
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        assertThat(hpa.getSpec().getMetrics()).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
        });
    }

    /** A count in the Deployment would reset a scaled-out broker on every apply. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void deploymentLeavesTheReplicaCountToTheAutoscaler(String dir) {
        assertThat(deployment(dir).getSpec().getReplicas()).isNull();
    }

    /**
     * The budget is per pod, so it is sized for the most pods that can run at once: the autoscaler's
     * maximum plus the rollout's surge (6 + 1 = 7 pods x 14 = 98 <= 100).
     */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void upstreamBudgetHoldsWithTheAutoscalersMaximumPlusTheRolloutSurge(String dir) {
        Deployment d = deployment(dir);
        int surge = d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        int pods = autoscaler(dir).getSpec().getMaxReplicas() + surge;
        int perPod = Integer.parseInt(env(broker(dir)).get("BROKER_STS_MAX_CALLS_PER_SECOND"));

        assertThat(surge).isEqualTo(1);
        assertThat(pods * perPod).as("%d pods x %d/s against Alibaba's 100 AssumeRole/s per account", pods, perPod)
                .isLessThanOrEqualTo(ACCOUNT_ASSUME_ROLE_PER_SECOND);
    }

    // ---- network --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void serviceSends443ToTheTlsPortOfTheBrokerPods(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        Deployment d = Manifests.one(objects, Deployment.class);
        Service svc = Manifests.one(objects, Service.class);

        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
        ServicePort port = svc.getSpec().getPorts().stream().filter(p -> p.getPort() == 443).findFirst().orElseThrow();
        ContainerPort target = d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> p.getName().equals(port.getTargetPort().getStrVal())).findFirst().orElseThrow();
        assertThat(target.getContainerPort()).isEqualTo(TLS_PORT);
        assertThat(svc.getSpec().getPorts()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void networkPolicyAdmitsOnlyLabelledClientPodsToTheTlsPort(String dir) {
        List<HasMetadata> objects = Manifests.render(dir);
        Deployment d = Manifests.one(objects, Deployment.class);
        NetworkPolicy np = ingressPolicy(objects);

        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(np.getSpec().getPodSelector().getMatchLabels());
        assertThat(np.getSpec().getPolicyTypes()).contains("Ingress");
        assertThat(np.getSpec().getIngress()).isNotEmpty();
        for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
            assertThat(rule.getFrom()).as("a rule without peers admits everyone").isNotEmpty();
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertThat(peer.getIpBlock()).isNull();
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry(CLIENT_LABEL, "true");
            }
            assertThat(rule.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort()).isEqualTo(new IntOrString(TLS_PORT));
                assertThat(p.getProtocol()).isEqualTo("TCP");
            });
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /** The NetworkPolicy that admits callers (the egress policies are apart). */
    static NetworkPolicy ingressPolicy(List<HasMetadata> objects) {
        return Manifests.named(objects, NetworkPolicy.class, "sts-broker").orElseThrow();
    }

    static HorizontalPodAutoscaler autoscaler(String dir) {
        return Manifests.one(Manifests.render(dir), HorizontalPodAutoscaler.class);
    }

    static Deployment deployment(String dir) {
        return Manifests.one(Manifests.render(dir), Deployment.class);
    }

    static Container broker(String dir) {
        List<Container> containers = deployment(dir).getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).as("one container per broker pod").hasSize(1);
        return containers.get(0);
    }

    static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static VolumeMount mountHolding(Container c, String file) {
        return c.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted where " + file + " is"));
    }

    private static HTTPGetAction httpGet(Probe p) {
        assertThat(p).isNotNull();
        assertThat(p.getHttpGet()).isNotNull();
        return p.getHttpGet();
    }
}
