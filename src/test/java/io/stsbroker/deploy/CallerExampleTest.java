package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller example is wired end to end: a token the broker accepts, a sidecar that reaches the
 * broker's Service through its NetworkPolicy, and an application that only knows the loopback URI.
 */
class CallerExampleTest {

    static final String DIR = "k8s/examples";
    static final String ROLE = "search-reader";
    static final String TOKEN_DIR = "/var/run/secrets/sts-broker";

    @Test
    void projectedTokenIsForTheBrokerOnlyAndShortLived() {
        ServiceAccountTokenProjection token = tokenProjection();

        assertThat(token.getAudience()).isEqualTo("sts-broker");
        assertThat(token.getExpirationSeconds()).isEqualTo(3600L);
        assertThat(TOKEN_DIR + "/" + token.getPath()).isEqualTo(env(sidecar()).get("STS_BROKER_TOKEN_FILE"));
        VolumeMount mount = BrokerDeploymentTest.mountHolding(sidecar(), env(sidecar()).get("STS_BROKER_TOKEN_FILE"));
        assertThat(mount.getMountPath()).isEqualTo(TOKEN_DIR);
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(application().getVolumeMounts()).noneMatch(m -> m.getName().equals(mount.getName()));
    }

    @Test
    void podHasNoKubernetesApiToken() {
        List<HasMetadata> objects = Manifests.render(DIR);
        PodSpec pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(Manifests.one(objects, ServiceAccount.class).getMetadata().getName()).isEqualTo(pod.getServiceAccountName());
    }

    @Test
    void sidecarServesTheRoleOnTheLoopbackPortTheApplicationUses() {
        Container sidecar = sidecar();

        assertThat(sidecar.getArgs()).containsExactly("serve", "--role", ROLE, "--port", "9911");
        assertThat(sidecar.getRestartPolicy()).as("native sidecar").isEqualTo("Always");
        assertThat(sidecar.getPorts()).as("nothing exposed").isNullOrEmpty();
        assertThat(sidecar.getImage()).contains("sts-broker-sidecar:");
        assertThat(env(application())).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI", "http://127.0.0.1:9911/v1/credentials");
        assertThat(env(application()).keySet()).noneMatch(k -> k.startsWith("STS_BROKER_") || k.startsWith("ALIBABA_CLOUD_ACCESS_KEY"));
    }

    @Test
    void sidecarReachesTheProductionBrokerServiceOverTls() {
        List<HasMetadata> prod = Manifests.render("k8s/overlays/prod");
        Service svc = Manifests.one(prod, Service.class);
        String expected = "https://" + svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc";

        assertThat(env(sidecar())).containsEntry("STS_BROKER_URL", expected);
        assertThat(svc.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(443));
        String ca = env(sidecar()).get("STS_BROKER_CA_FILE");
        assertThat(ca).isNotBlank();
        BrokerDeploymentTest.mountHolding(sidecar(), ca);
    }

    @Test
    void sidecarGatesStartUpOnHealthAndIsKeptAliveByAPathThatNeverWaitsForTheBroker() {
        Container sidecar = sidecar();

        assertThat(sidecar.getStartupProbe().getExec().getCommand())
                .as("busybox wget, present in the Alpine-based sidecar image")
                .startsWith("wget").last().isEqualTo("http://127.0.0.1:9911/health");
        assertThat(sidecar.getLivenessProbe().getExec().getCommand())
                .startsWith("wget").last().isEqualTo("http://127.0.0.1:9911/health/live");
        assertThat(sidecar.getReadinessProbe()).as("a native sidecar's readiness counts toward the pod's").isNull();
        assertThat(Dockerfiles.sidecar().baseImage()).as("the probes' wget comes with Alpine's busybox").contains("alpine");
    }

    /** docs/BENCHMARKS.md ("Sidecar"): at most 64 MiB resident after 1,000 requests on the JDKs measured. */
    private static final long MEASURED_RSS_BYTES = 64L * 1024 * 1024;

    @Test
    void sidecarMemoryLimitLeavesHeadroomOverTheMeasuredFootprintAndItsRequestCoversIt() {
        var resources = sidecar().getResources();
        long limit = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact();
        long request = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValueExact();

        assertThat(limit).as("limit over the measured RSS").isGreaterThanOrEqualTo(MEASURED_RSS_BYTES * 3 / 2);
        assertThat(request).as("request covers the measured RSS").isGreaterThanOrEqualTo(MEASURED_RSS_BYTES).isLessThanOrEqualTo(limit);
        assertThat(resources.getLimits()).containsKey("cpu");
        assertThat(resources.getRequests()).containsKey("cpu");
    }

    @Test
    void callerPodsCarryTheLabelTheBrokersNetworkPolicyAdmits() {
        NetworkPolicy np = BrokerDeploymentTest.ingressPolicy(Manifests.render("k8s/overlays/prod"));
        Map<String, String> admitted = np.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels();
        Map<String, String> podLabels = Manifests.one(Manifests.render(DIR), Deployment.class)
                .getSpec().getTemplate().getMetadata().getLabels();

        assertThat(podLabels).containsAllEntriesOf(admitted);
    }

    @Test
    void bothContainersAreLockedDown() {
        for (Container c : List.of(sidecar(), application())) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(c.getResources().getLimits()).as(c.getName()).containsKeys("cpu", "memory");
        }
        assertThat(sidecar().getSecurityContext().getRunAsUser()).isEqualTo(Dockerfiles.sidecar().uid());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The identity the broker sees for the example's pods. */
    static String identity() {
        List<HasMetadata> objects = Manifests.render(DIR);
        ServiceAccount sa = Manifests.one(objects, ServiceAccount.class);
        return "system:serviceaccount:" + sa.getMetadata().getNamespace() + ":" + sa.getMetadata().getName();
    }

    private static PodSpec pod() {
        return Manifests.one(Manifests.render(DIR), Deployment.class).getSpec().getTemplate().getSpec();
    }

    private static Container sidecar() {
        List<Container> init = pod().getInitContainers();
        assertThat(init).hasSize(1);
        return init.get(0);
    }

    private static Container application() {
        List<Container> containers = pod().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static ServiceAccountTokenProjection tokenProjection() {
        List<ServiceAccountTokenProjection> tokens = new ArrayList<>();
        for (Volume v : pod().getVolumes()) {
            if (v.getProjected() != null) {
                v.getProjected().getSources().stream().map(VolumeProjection::getServiceAccountToken)
                        .filter(Objects::nonNull).forEach(tokens::add);
            }
        }
        assertThat(tokens).hasSize(1);
        return tokens.get(0);
    }

    private static Map<String, String> env(Container c) {
        return BrokerDeploymentTest.env(c);
    }
}
