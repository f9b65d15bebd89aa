package io.stsbroker.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Patch (RFC 6902) that gives one pod its sidecar: the label the broker's NetworkPolicy
 * admits ({@code sts-broker.io/client: "true"}), the projected token volume, the sidecar
 * as the first init container with {@code restartPolicy: Always} (a native sidecar, Kubernetes
 * 1.29+: started, and its startup probe passed, before any other init container or application
 * container), and the credential variables in every other container.
 *
 * <p>Idempotent: applied to its own result it adds nothing, so a re-invocation (another webhook
 * added a container after this one ran) only gives the new container its variables.
 *
 * <p><b>Token readability:</b> the sidecar runs as the pod's {@code runAsUser} when that is set
 * and not root, else as the image's user 10001, and no {@code fsGroup} or {@code defaultMode} is
 * set. The kubelet then writes the token readable by the sidecar in every case: with a pod
 * {@code fsGroup}, group-readable by that group, which every container has; when every container
 * runs as one UID, owned by that UID; otherwise world-readable inside the pod (0644). Setting an
 * {@code fsGroup} ourselves would make the kubelet change the ownership of all the application's
 * volumes, and a {@code defaultMode} would break one of those cases.
 */
final class PodPatch {

    static final String SIDECAR = "sts-broker-sidecar";
    /** The label the broker's NetworkPolicy admits callers by. */
    static final String CLIENT_LABEL = "sts-broker.io/client";
    static final String TOKEN_VOLUME = "sts-broker-token";
    static final String TMP_VOLUME = "sts-broker-tmp";
    static final String TOKEN_DIR = "/var/run/secrets/sts-broker";
    static final String AUDIENCE = "sts-broker";
    static final int TOKEN_SECONDS = 3600;
    static final String URI_ENV = "ALIBABA_CLOUD_CREDENTIALS_URI";
    static final String METADATA_ENV = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
    static final long IMAGE_UID = 10001;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<ObjectNode> ops = new ArrayList<>();

    private PodPatch() {
    }

    /** The operations for {@code pod}; {@code warnings} receives what the pod author should know. */
    static List<ObjectNode> of(JsonNode pod, String role, SidecarOptions options, SidecarDefaults defaults,
                               List<String> warnings) {
        PodPatch patch = new PodPatch();
        JsonNode spec = pod.path("spec");
        int port = injectedPort(spec).orElse(options.port());
        boolean inject = !hasSidecar(spec);
        if (!"true".equals(pod.path("metadata").path("labels").path(CLIENT_LABEL).asText(null))) {
            // The broker's NetworkPolicy admits pods with this label only. The pod opted in with the
            // inject label, so its labels exist.
            patch.ops.add(op("add", "/metadata/labels/" + CLIENT_LABEL.replace("~", "~0").replace("/", "~1"),
                    JSON.textNode("true")));
        }
        if (inject) {
            patch.addVolumes(spec);
            patch.addSidecar(spec, role, options, port, defaults);
        }
        patch.addEnv(spec, "containers", 0, port, warnings);
        // Operations apply in order: after the sidecar went in first, the others moved up by one.
        patch.addEnv(spec, "initContainers", inject ? 1 : 0, port, warnings);
        return patch.ops;
    }

    /** True when the pod already has the sidecar (injected before, or written by hand). */
    static boolean hasSidecar(JsonNode spec) {
        return named(spec.path("initContainers"), SIDECAR) >= 0 || named(spec.path("containers"), SIDECAR) >= 0;
    }

    private void addVolumes(JsonNode spec) {
        ObjectNode token = JSON.objectNode().put("name", TOKEN_VOLUME);
        token.putObject("projected").putArray("sources").addObject().putObject("serviceAccountToken")
                .put("audience", AUDIENCE).put("expirationSeconds", TOKEN_SECONDS).put("path", "token");
        ObjectNode tmp = JSON.objectNode().put("name", TMP_VOLUME);
        tmp.putObject("emptyDir").put("sizeLimit", "16Mi");
        append(spec, "volumes", "/spec/volumes", List.of(token, tmp));
    }

    private void addSidecar(JsonNode spec, String role, SidecarOptions options, int port, SidecarDefaults defaults) {
        ObjectNode c = JSON.objectNode().put("name", SIDECAR).put("image", options.image())
                .put("imagePullPolicy", "IfNotPresent").put("restartPolicy", "Always");
        c.putArray("args").add("serve").add("--role").add(role).add("--port").add(Integer.toString(port));
        ArrayNode env = c.putArray("env");
        env.add(env("STS_BROKER_URL", defaults.brokerUrl()));
        env.add(env("STS_BROKER_TOKEN_FILE", TOKEN_DIR + "/token"));
        defaults.caPem().ifPresent(pem -> env.add(env("STS_BROKER_CA_PEM", pem)));
        // The sidecar listens on 127.0.0.1 only, which kubelet HTTP probes cannot reach: busybox wget
        // in the image instead. /health is 200 only while a credential is held, so the application
        // containers start only once one is.
        c.set("startupProbe", probe(port, "/health").put("periodSeconds", 2).put("failureThreshold", 60));
        // /health/live never waits for the broker: an outage must not restart the sidecar.
        c.set("livenessProbe", probe(port, "/health/live").put("periodSeconds", 10).put("failureThreshold", 3));
        ObjectNode resources = c.putObject("resources");
        resources.putObject("requests").put("cpu", SidecarOptions.CPU_REQUEST).put("memory", SidecarOptions.MEMORY_REQUEST);
        resources.putObject("limits").put("cpu", options.cpuLimit()).put("memory", options.memoryLimit());
        c.set("securityContext", securityContext(spec));
        ArrayNode mounts = c.putArray("volumeMounts");
        mounts.addObject().put("name", TOKEN_VOLUME).put("mountPath", TOKEN_DIR).put("readOnly", true);
        mounts.addObject().put("name", TMP_VOLUME).put("mountPath", "/tmp");
        if (spec.path("initContainers").isArray() && !spec.path("initContainers").isEmpty()) {
            ops.add(op("add", "/spec/initContainers/0", c));
        } else {
            ops.add(op("add", "/spec/initContainers", JSON.arrayNode().add(c)));
        }
    }

    /** Passes Pod Security "restricted" on its own, whatever the pod-level context says. */
    private static ObjectNode securityContext(JsonNode spec) {
        JsonNode podUser = spec.path("securityContext").path("runAsUser");
        long uid = podUser.canConvertToLong() && podUser.asLong() > 0 ? podUser.asLong() : IMAGE_UID;
        ObjectNode s = JSON.objectNode().put("runAsNonRoot", true).put("runAsUser", uid)
                .put("allowPrivilegeEscalation", false).put("readOnlyRootFilesystem", true).put("privileged", false);
        s.putObject("capabilities").putArray("drop").add("ALL");
        s.putObject("seccompProfile").put("type", "RuntimeDefault");
        return s;
    }

    private void addEnv(JsonNode spec, String field, int shift, int port, List<String> warnings) {
        JsonNode containers = spec.path(field);
        String uri = "http://127.0.0.1:" + port + "/v1/credentials";
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            if (SIDECAR.equals(c.path("name").asText())) {
                continue;
            }
            List<JsonNode> add = new ArrayList<>();
            JsonNode explicitUri = envValue(c, URI_ENV);
            if (explicitUri == null) {
                add.add(env(URI_ENV, uri));
            } else if (!uri.equals(explicitUri.asText())) {
                warnings.add(Warnings.PREFIX + "container " + Warnings.quote(c.path("name").asText()) + " sets " + URI_ENV
                        + " itself; kept, so it does not use the injected sidecar (" + uri + ")");
            }
            if (envValue(c, METADATA_ENV) == null) {
                add.add(env(METADATA_ENV, "true"));
            }
            append(c, "env", "/spec/" + field + "/" + (i + shift) + "/env", add);
        }
    }

    /** Adds {@code items} to the array at {@code path}, creating it when {@code parent} has none. */
    private void append(JsonNode parent, String field, String path, List<? extends JsonNode> items) {
        if (items.isEmpty()) {
            return;
        }
        if (parent.path(field).isArray()) {
            items.forEach(item -> ops.add(op("add", path + "/-", item)));
        } else {
            ArrayNode array = JSON.arrayNode();
            items.forEach(array::add);
            ops.add(op("add", path, array));
        }
    }

    /** The port of a sidecar injected before, so containers added later get the same URI. */
    private static java.util.Optional<Integer> injectedPort(JsonNode spec) {
        int i = named(spec.path("initContainers"), SIDECAR);
        if (i < 0) {
            return java.util.Optional.empty();
        }
        JsonNode args = spec.path("initContainers").get(i).path("args");
        for (int a = 0; a + 1 < args.size(); a++) {
            if ("--port".equals(args.get(a).asText()) && args.get(a + 1).asText().matches("[0-9]{1,5}")) {
                return java.util.Optional.of(Integer.parseInt(args.get(a + 1).asText()));
            }
        }
        return java.util.Optional.empty();
    }

    private static JsonNode envValue(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value");
            }
        }
        return null;
    }

    private static int named(JsonNode containers, String name) {
        for (int i = 0; i < containers.size(); i++) {
            if (name.equals(containers.get(i).path("name").asText())) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode probe(int port, String path) {
        ObjectNode p = JSON.objectNode();
        p.putObject("exec").putArray("command").add("wget").add("-q").add("-O").add("/dev/null").add("-T").add("2")
                .add("http://127.0.0.1:" + port + path);
        return p.put("timeoutSeconds", 3);
    }

    private static ObjectNode env(String name, String value) {
        return JSON.objectNode().put("name", name).put("value", value);
    }

    private static ObjectNode op(String op, String path, JsonNode value) {
        ObjectNode o = JSON.objectNode().put("op", op).put("path", path);
        o.set("value", value);
        return o;
    }
}
