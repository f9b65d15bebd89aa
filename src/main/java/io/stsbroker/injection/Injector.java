package io.stsbroker.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stsbroker.policy.AccessPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what an opted-in pod gets, and checks workloads' pod templates the same way without
 * changing them. The grant is checked by {@link AccessPolicy#grantedOrNull}, the decision a
 * credential request for the pod would meet: the pod's caller identity is its service account's,
 * {@code system:serviceaccount:<namespace>:<name>}, the {@code sub} of its projected token.
 */
public final class Injector {

    /** Workload kinds whose pod template is checked (warnings only), by their API group. */
    static final Set<String> WORKLOADS = Set.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "batch/Job",
            "batch/CronJob");
    // The catalogue's own rule for role names (policy.RoleValidator).
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final AccessPolicy policy;
    private final Set<String> excludedNamespaces;

    /** {@code excludedNamespaces}: besides {@code kube-system}, which is always excluded. */
    public Injector(AccessPolicy policy, Set<String> excludedNamespaces) {
        this.policy = policy;
        Set<String> all = new java.util.HashSet<>(excludedNamespaces);
        all.add("kube-system");
        this.excludedNamespaces = Set.copyOf(all);
    }

    /**
     * The decision for {@code object} of {@code group/kind}, created or updated in {@code namespace}.
     *
     * @param operation {@code CREATE}, {@code UPDATE}, ...: pods are injected on creation only
     */
    public Decision decide(String group, String kind, String operation, String namespace, JsonNode object,
                           SidecarDefaults defaults) {
        if (group.isEmpty() && kind.equals("Pod")) {
            return "CREATE".equals(operation) ? pod(namespace, object, defaults) : Decision.unchanged(List.of());
        }
        if (WORKLOADS.contains(group + "/" + kind)) {
            JsonNode template = kind.equals("CronJob") ? object.path("spec").path("jobTemplate").path("spec").path("template")
                    : object.path("spec").path("template");
            return template(kind, namespace, template);
        }
        return Decision.unchanged(List.of());
    }

    /** True for the workload kinds whose pod templates are checked. */
    public static boolean isWorkload(String group, String kind) {
        return WORKLOADS.contains(group + "/" + kind);
    }

    private Decision pod(String namespace, JsonNode pod, SidecarDefaults defaults) {
        if (!optedIn(namespace, pod)) {
            return Decision.unchanged(List.of());
        }
        String role = pod.path("metadata").path("annotations").path(OptIn.ROLE).asText(null);
        Optional<String> problem = PodShape.problem(pod).or(() -> roleProblem(role));
        if (problem.isPresent()) {
            return Decision.denied(problem.get());
        }
        List<String> warnings = new ArrayList<>();
        // Re-invoked on its own output: the sidecar's settings and the grant were judged (and
        // warned about) the first time; only containers added since get their variables.
        boolean injectedBefore = PodPatch.hasSidecar(pod.path("spec"));
        SidecarOptions options = SidecarOptions.from(pod.path("metadata").path("annotations"), defaults,
                injectedBefore ? new ArrayList<>() : warnings);
        List<ObjectNode> patch = PodPatch.of(pod, role, options, defaults, warnings);
        Optional<String> ungranted = injectedBefore ? Optional.empty() : grant(namespace, pod.path("spec"), role, warnings);
        Decision.Outcome outcome = patch.isEmpty() ? Decision.Outcome.UNCHANGED : Decision.Outcome.INJECTED;
        return new Decision(outcome, patch, warnings, Optional.empty(), ungranted);
    }

    private Decision template(String kind, String namespace, JsonNode template) {
        if (!optedIn(namespace, template)) {
            return Decision.unchanged(List.of());
        }
        String role = template.path("metadata").path("annotations").path(OptIn.ROLE).asText(null);
        List<String> warnings = new ArrayList<>();
        Optional<String> problem = roleProblem(role);
        if (problem.isPresent()) {
            // The pods will be refused; say so now, to whoever applies the workload.
            warnings.add(problem.get() + " (in this " + kind + "'s pod template: its pods will be refused)");
            return new Decision(Decision.Outcome.CHECKED, List.of(), warnings, Optional.empty(), Optional.empty());
        }
        Optional<String> ungranted = grant(namespace, template.path("spec"), role, warnings);
        return new Decision(Decision.Outcome.CHECKED, List.of(), warnings, Optional.empty(), ungranted);
    }

    private boolean optedIn(String namespace, JsonNode podOrTemplate) {
        return !excludedNamespaces.contains(namespace)
                && OptIn.POD_OPT_IN.equals(podOrTemplate.path("metadata").path("labels").path(OptIn.INJECT_LABEL).asText(null));
    }

    private static Optional<String> roleProblem(String role) {
        if (role == null) {
            return Optional.of(Warnings.PREFIX + "the pod is labelled " + OptIn.INJECT_LABEL + "=true but has no "
                    + OptIn.ROLE + " annotation naming the role it needs");
        }
        if (!ROLE.matcher(role).matches()) {
            return Optional.of(Warnings.PREFIX + "annotation " + OptIn.ROLE + "=" + Warnings.quote(role)
                    + " is not a role name (1 to 128 of letters, digits and . _ @ -)");
        }
        return Optional.empty();
    }

    /** Adds a warning and returns the identity when the pod's service account is not granted {@code role}. */
    private Optional<String> grant(String namespace, JsonNode spec, String role, List<String> warnings) {
        String identity = identity(namespace, spec);
        if (policy.grantedOrNull(identity, role) != null) {
            return Optional.empty();
        }
        warnings.add(Warnings.PREFIX + "role " + role + " does not exist or is not granted to " + Warnings.quote(identity)
                + "; add that identity to the role's allow list in the catalogue, or the sidecar gets 403");
        return Optional.of(identity);
    }

    /** The caller identity of the pod's projected token: its service account, {@code default} when unnamed. */
    static String identity(String namespace, JsonNode spec) {
        String sa = spec.path("serviceAccountName").asText("");
        if (sa.isEmpty()) {
            sa = spec.path("serviceAccount").asText(""); // the deprecated alias the API server still fills in
        }
        return "system:serviceaccount:" + namespace + ":" + (sa.isEmpty() ? "default" : sa);
    }
}
