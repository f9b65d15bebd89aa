package io.stsbroker.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The injection decisions without HTTP: the identity a pod's projected token carries, the grant
 * check through {@link AccessPolicy}, the bounds of the optional annotations, and a patch that is
 * a no-op on its own output. (The HTTP adapter's tests in {@code api.admission} send whole reviews.)
 */
class InjectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SidecarDefaults DEFAULTS = new SidecarDefaults("https://broker", Optional.empty(), "sidecar:1", 9911);
    private final AccessPolicy policy = new AccessPolicy(TestConfigs.broker(
            "broker.roles.reader.arn", "acs:ram::1234567890123456:role/reader",
            "broker.roles.reader.allow", "system:serviceaccount:search:*"), new AuditLog(Clock.systemUTC()));
    private final Injector injector = new Injector(policy, Set.of("sts-broker"));

    private static ObjectNode pod(String serviceAccount) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.putObject("labels").put(OptIn.INJECT_LABEL, "true");
        meta.putObject("annotations").put(OptIn.ROLE, "reader");
        ObjectNode spec = pod.putObject("spec");
        if (serviceAccount != null) {
            spec.put("serviceAccountName", serviceAccount);
        }
        spec.putArray("containers").addObject().put("name", "app").put("image", "app:1");
        return pod;
    }

    private static JsonNode apply(JsonNode pod, Decision d) {
        ArrayNode ops = JSON.createArrayNode();
        d.patch().forEach(ops::add);
        return JsonPatch.apply(ops, pod);
    }

    @Test
    void identityIsTheServiceAccountsAndDefaultWhenUnnamed() {
        assertThat(Injector.identity("search", pod("indexer").path("spec"))).isEqualTo("system:serviceaccount:search:indexer");
        assertThat(Injector.identity("search", pod(null).path("spec"))).isEqualTo("system:serviceaccount:search:default");
        ObjectNode legacy = pod(null);
        ((ObjectNode) legacy.path("spec")).put("serviceAccount", "old");
        assertThat(Injector.identity("search", legacy.path("spec"))).isEqualTo("system:serviceaccount:search:old");
    }

    @Test
    void grantIsTheAccessPolicysDecision() {
        Decision granted = injector.decide("", "Pod", "CREATE", "search", pod("indexer"), DEFAULTS);
        Decision ungranted = injector.decide("", "Pod", "CREATE", "shop", pod("indexer"), DEFAULTS);

        assertThat(granted.ungranted()).isEmpty();
        assertThat(granted.warnings()).isEmpty();
        assertThat(ungranted.ungranted()).contains("system:serviceaccount:shop:indexer");
        assertThat(policy.grantedOrNull("system:serviceaccount:shop:indexer", "reader")).isNull();
        assertThat(ungranted.outcome()).isEqualTo(Decision.Outcome.INJECTED);
    }

    @Test
    void patchOnItsOwnOutputIsEmpty() {
        ObjectNode pod = pod("indexer");
        ((ArrayNode) pod.path("spec").path("containers")).addObject().put("name", "second").put("image", "b:1");
        JsonNode once = apply(pod, injector.decide("", "Pod", "CREATE", "search", pod, DEFAULTS));

        Decision again = injector.decide("", "Pod", "CREATE", "search", once, DEFAULTS);

        assertThat(again.patch()).isEmpty();
        assertThat(again.outcome()).isEqualTo(Decision.Outcome.UNCHANGED);
    }

    @Test
    void excludedAndKubeSystemNamespacesAreNeverInjected() {
        for (String ns : List.of("kube-system", "sts-broker")) {
            assertThat(injector.decide("", "Pod", "CREATE", ns, pod("indexer"), DEFAULTS).patch()).as(ns).isEmpty();
        }
    }

    @Test
    void optionalAnnotationBoundsAreInclusive() {
        List<String> warnings = new ArrayList<>();
        ObjectNode low = JSON.createObjectNode().put(OptIn.PORT, "1024").put(OptIn.CPU_LIMIT, "100m").put(OptIn.MEMORY_LIMIT, "64Mi");
        ObjectNode high = JSON.createObjectNode().put(OptIn.PORT, "65535").put(OptIn.CPU_LIMIT, "4").put(OptIn.MEMORY_LIMIT, "1Gi");
        ObjectNode beyond = JSON.createObjectNode().put(OptIn.PORT, "65536").put(OptIn.CPU_LIMIT, "4001m")
                .put(OptIn.MEMORY_LIMIT, "1025Mi").put(OptIn.IMAGE, "UPPER/case:1");

        assertThat(SidecarOptions.from(low, DEFAULTS, warnings)).isEqualTo(new SidecarOptions(1024, "sidecar:1", "100m", "64Mi"));
        assertThat(SidecarOptions.from(high, DEFAULTS, warnings)).isEqualTo(new SidecarOptions(65535, "sidecar:1", "4", "1Gi"));
        assertThat(warnings).isEmpty();
        assertThat(SidecarOptions.from(beyond, DEFAULTS, warnings)).isEqualTo(new SidecarOptions(9911, "sidecar:1",
                SidecarOptions.CPU_LIMIT, SidecarOptions.MEMORY_LIMIT));
        assertThat(warnings).hasSize(4);
    }

    @Test
    void workloadTemplatesAreCheckedWithoutAPatch() {
        ObjectNode deployment = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        deployment.putObject("spec").set("template", pod("cart"));

        Decision d = injector.decide("apps", "Deployment", "UPDATE", "shop", deployment, DEFAULTS);

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.CHECKED);
        assertThat(d.patch()).isEmpty();
        assertThat(d.ungranted()).contains("system:serviceaccount:shop:cart");
        assertThat(Injector.isWorkload("apps", "ReplicaSet")).isFalse();
    }
}
