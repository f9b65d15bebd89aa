package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/components/audit-file in the prod overlay: the audit file lies on a volume of its own (the root
 * filesystem stays read-only, /tmp untouched), and that volume's size limit is above the most the
 * broker's rotation can hold, (max size + one record) x (backups + 1), so rotation, not eviction,
 * bounds it.
 */
class AuditFileComponentTest {

    static final String COMPONENT = "k8s/components/audit-file";
    private static final String RENDER = "target/audit-file-render";
    /** A generous upper bound on one audit record (they are a few hundred bytes). */
    private static final long ONE_RECORD = 16 * 1024;
    private static Container broker;
    private static PodSpec pod;

    @BeforeAll
    static void render() throws IOException {
        Deployment d = Manifests.one(Manifests.renderWithComponent(RENDER, "k8s/overlays/prod", COMPONENT), Deployment.class);
        pod = d.getSpec().getTemplate().getSpec();
        broker = pod.getContainers().stream().filter(c -> c.getName().equals("sts-broker")).findFirst().orElseThrow();
    }

    private static Map<String, String> env() {
        return broker.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void theAuditFileIsOnAVolumeOfItsOwnAndTheRootStaysReadOnly() {
        Path file = Path.of(env().get("BROKER_AUDIT_FILE"));
        VolumeMount mount = broker.getVolumeMounts().stream()
                .filter(m -> file.getParent().equals(Path.of(m.getMountPath()))).findFirst().orElseThrow();
        assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(mount.getMountPath()).isNotEqualTo("/tmp");
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getEmptyDir()).isNotNull();
        assertThat(volume.getEmptyDir().getMedium()).as("on disk, not in the pod's memory").isNullOrEmpty();
        assertThat(broker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void theVolumeHoldsMoreThanTheRotationCanWrite() {
        Map<String, String> env = env();
        long maxSize = new MemorySizeConverter().convert(env.get("BROKER_AUDIT_FILE_MAX_SIZE")).asLongValue();
        int backups = Integer.parseInt(env.get("BROKER_AUDIT_FILE_BACKUPS"));
        Path file = Path.of(env.get("BROKER_AUDIT_FILE"));
        String volumeName = broker.getVolumeMounts().stream()
                .filter(m -> file.getParent().equals(Path.of(m.getMountPath()))).findFirst().orElseThrow().getName();
        Quantity limit = pod.getVolumes().stream().filter(v -> v.getName().equals(volumeName)).findFirst().orElseThrow()
                .getEmptyDir().getSizeLimit();
        BigDecimal most = BigDecimal.valueOf((maxSize + ONE_RECORD) * (backups + 1));
        assertThat(Quantity.getAmountInBytes(limit)).isGreaterThan(most);
    }
}
