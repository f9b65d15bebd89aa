package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Binds rendered manifests to fabric8's typed Kubernetes model, strictly.
 *
 * <p>fabric8's classes swallow unknown fields into an {@code additionalProperties} map instead of
 * failing, so {@code FAIL_ON_UNKNOWN_PROPERTIES} alone proves nothing: after binding, every object
 * of the model is walked and any non-empty {@code additionalProperties} is reported with its path
 * (a misspelt {@code readOnlyRootFileSystem} lands there). Scalar coercion is off, so a quoted
 * number where the API wants an integer, or a bare {@code true} where it wants a string (a label
 * value), fails as the API server would fail it.
 *
 * <p>Only the API versions below are accepted: stable ones, so a manifest cannot drift onto a
 * beta or removed API without this table being changed on purpose.
 */
public final class Manifests {

    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", MutatingWebhookConfiguration.class),
            // cert-manager's CRDs (k8s/components/injector): fabric8 has no model for them, so they
            // bind generically and their fields are checked by the component's own test.
            Map.entry("cert-manager.io/v1/Certificate", GenericKubernetesResource.class),
            Map.entry("cert-manager.io/v1/Issuer", GenericKubernetesResource.class));

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper STRICT = strictMapper();

    private Manifests() {
    }

    /** The documents of a multi-document YAML stream, empty documents dropped. */
    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            for (JsonNode n : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + e.getMessage(), e);
        }
    }

    /** Binds one document to its typed class, or fails with every schema problem found. */
    static HasMetadata bind(JsonNode doc) {
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
            throw new AssertionError("unexpected apiVersion/kind " + key + " (accepted: " + KINDS.keySet() + ")");
        }
        return strictly(doc, type);
    }

    /**
     * Binds {@code doc} to {@code type} as {@link #bind} does, for any fabric8 model class (the
     * admission tests bind patched pods): fails with every schema problem found.
     */
    public static <T extends HasMetadata> T strictly(JsonNode doc, Class<T> type) {
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        T bound;
        try {
            bound = STRICT.treeToValue(doc, type);
        } catch (IOException e) {
            throw new AssertionError(key + " does not match the Kubernetes schema: " + e.getMessage(), e);
        }
        if (bound instanceof GenericKubernetesResource) {
            return bound; // a CRD without a model: every field is "unknown" to fabric8
        }
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(bound, key, unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(key + " " + bound.getMetadata().getName() + " has fields the Kubernetes schema does not know: "
                    + unknown);
        }
        return bound;
    }

    /** Renders a kustomization and binds every object. */
    /**
     * Renders {@code overlay} with {@code component} added, through a kustomization written to
     * {@code renderDir} (under target/, two levels below the repository root).
     */
    static List<HasMetadata> renderWithComponent(String renderDir, String overlay, String component) throws IOException {
        Path dir = RepoFiles.path(renderDir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../%s
                components:
                  - ../../%s
                """.formatted(overlay, component));
        return render(renderDir);
    }

    static List<HasMetadata> render(String dir) {
        return documents(Kubectl.kustomize(dir)).stream().map(Manifests::bind).collect(Collectors.toList());
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    static <T extends HasMetadata> Optional<T> named(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    private static void collectUnknownFields(Object o, String path, List<String> out) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                collectUnknownFields(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object value = invoke(getter, o);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                }
            } else if (!(o instanceof Quantity) && !(o instanceof IntOrString)) {
                collectUnknownFields(value, path + "." + property(getter.getName()), out);
            }
        }
    }

    private static Object invoke(Method getter, Object o) {
        try {
            return getter.invoke(o);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter + " of " + o.getClass().getName(), e);
        }
    }

    private static String property(String getterName) {
        String p = getterName.substring(3);
        return p.isEmpty() ? p : Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }
}
