package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/overlays/prod-ha (cluster mode on a managed Redis) and, rendered into it as a user's overlay
 * would, the opt-in k8s/components/redis-in-cluster.
 */
class ProdHaOverlayTest {

    static final String OVERLAY = "k8s/overlays/prod-ha";
    static final String COMPONENT = "k8s/components/redis-in-cluster";
    private static final String WITH_REDIS = "target/prod-ha-redis-render";
    private static List<HasMetadata> ha;
    private static List<HasMetadata> tryOut;

    @BeforeAll
    static void render() throws IOException {
        ha = Manifests.render(OVERLAY);
        Path dir = RepoFiles.path(WITH_REDIS);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: sts-broker
                resources:
                  - ../../k8s/overlays/prod-ha
                components:
                  - ../../k8s/components/redis-in-cluster
                """);
        tryOut = Manifests.render(WITH_REDIS);
    }

    static Container broker(List<HasMetadata> objects) {
        return Manifests.named(objects, Deployment.class, "sts-broker").orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void atLeastThreeReplicasRunInClusterMode() {
        HorizontalPodAutoscaler hpa = Manifests.one(ha, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(BrokerDeploymentTest.env(broker(ha))).containsEntry("BROKER_CLUSTER_ENABLED", "true");
    }

    @Test
    void theClusterBudgetReplacesTheStaticSplitAndTheDegradedShareStaysWithinIt() {
        Map<String, String> env = BrokerDeploymentTest.env(broker(ha));
        HorizontalPodAutoscaler hpa = Manifests.one(ha, HorizontalPodAutoscaler.class);
        Deployment d = Manifests.named(ha, Deployment.class, "sts-broker").orElseThrow();
        int surge = d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        int budget = Integer.parseInt(env.get("BROKER_CLUSTER_MAX_CALLS_PER_SECOND"));
        int maxReplicas = Integer.parseInt(env.get("BROKER_CLUSTER_MAX_REPLICAS"));
        // Alibaba's 100 AssumeRole/s per account, for the cluster and for all degraded replicas together.
        assertThat(budget).isLessThan(100);
        assertThat(maxReplicas).isEqualTo(hpa.getSpec().getMaxReplicas() + surge);
        assertThat(maxReplicas * Math.max(1, budget / maxReplicas)).isLessThanOrEqualTo(budget);
        assertThat(broker(ha).getEnv().stream().filter(e -> e.getName().equals("BROKER_STS_MAX_CALLS_PER_SECOND")))
                .hasSize(1);
    }

    @Test
    void keysAndTheRedisPasswordComeFromASecretNeverFromTheManifest() {
        for (String name : List.of("BROKER_CLUSTER_ENCRYPTION_KEY", "BROKER_CLUSTER_KEY_SECRET",
                "BROKER_CLUSTER_PREVIOUS_ENCRYPTION_KEYS", "QUARKUS_REDIS_PASSWORD")) {
            for (List<HasMetadata> objects : List.of(ha, tryOut)) {
                EnvVar v = broker(objects).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
                assertThat(v.getValue()).as(name).isNull();
                assertThat(v.getValueFrom().getSecretKeyRef().getName()).as(name).isEqualTo("sts-broker-cluster");
            }
        }
        assertThat(ha).noneMatch(o -> o.getMetadata().getName().equals("sts-broker-cluster"));
    }

    @Test
    void managedRedisIsReachedOverTlsTrustingItsOwnCa() {
        Map<String, String> env = BrokerDeploymentTest.env(broker(ha));
        assertThat(env.get("QUARKUS_REDIS_HOSTS")).startsWith("rediss://");
        assertThat(env).containsEntry("QUARKUS_REDIS_TLS_CONFIGURATION_NAME", "redis");
        String ca = env.get("QUARKUS_TLS_REDIS_TRUST_STORE_PEM_CERTS");
        assertThat(BrokerDeploymentTest.mountHolding(broker(ha), ca).getReadOnly()).isTrue();
        assertThat(Manifests.named(ha, NetworkPolicy.class, "sts-broker-egress-redis")).isPresent();
    }

    @Test
    void inClusterRedisComponentRunsOneRedisOnlyTheBrokersReach() {
        Deployment redis = Manifests.named(tryOut, Deployment.class, "sts-broker-redis").orElseThrow();
        assertThat(redis.getSpec().getReplicas()).isEqualTo(1);
        assertThat(redis.getMetadata().getNamespace()).isEqualTo("sts-broker");
        assertThat(Manifests.named(tryOut, Service.class, "sts-broker-redis")).isPresent();
        NetworkPolicy ingress = Manifests.named(tryOut, NetworkPolicy.class, "sts-broker-redis").orElseThrow();
        assertThat(ingress.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "broker");
        Map<String, String> env = BrokerDeploymentTest.env(broker(tryOut));
        assertThat(env).containsEntry("QUARKUS_REDIS_HOSTS", "redis://sts-broker-redis:6379")
                .doesNotContainKey("QUARKUS_REDIS_TLS_CONFIGURATION_NAME");
        assertThat(broker(tryOut).getVolumeMounts()).noneMatch(m -> m.getName().equals("redis-ca"));
    }
}
