package io.stsbroker.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static io.stsbroker.api.admission.Reviews.object;
import static io.stsbroker.api.admission.Reviews.patched;
import static io.stsbroker.api.admission.Reviews.podReview;
import static io.stsbroker.api.admission.Reviews.review;
import static io.stsbroker.api.admission.Reviews.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code POST /v1/admission/mutate} over real HTTP with AdmissionReviews as the API server sends
 * them; every answer is checked against openapi.yaml (the contract filter), every patch applied
 * with an RFC 6902 library and the result bound strictly to fabric8's Pod model. The grant check
 * reads the test catalogue: {@code search-reader} allows {@code system:serviceaccount:search:*},
 * {@code search-writer} only {@code system:serviceaccount:search:indexer}.
 */
@QuarkusTest
@TestProfile(InjectorEnabled.class)
class AdmissionWebhookTest {

    private static final String URI = "http://127.0.0.1:9911/v1/credentials";

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    private static Map<String, String> env(Container c) {
        return c.getEnv() == null ? Map.of() : c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                e -> e.getValue() == null ? "" : e.getValue()));
    }

    @Test
    void labelledAndAnnotatedPodGetsTheNativeSidecarFirstAndTheVariablesInEveryOtherContainer() throws Exception {
        JsonNode pod = object("pod-labelled.json");

        JsonNode response = send(podReview("u-1", "search", pod));
        Pod result = patched(pod, response);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("warnings")).as(response.toString()).isFalse();
        assertThat(result.getMetadata().getLabels()).as("admitted by the broker's NetworkPolicy")
                .containsEntry("sts-broker.io/client", "true").containsEntry("sts-broker.io/inject", "true");
        List<Container> init = result.getSpec().getInitContainers();
        assertThat(init).extracting(Container::getName).containsExactly("sts-broker-sidecar", "migrate");
        Container sidecar = init.get(0);
        assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
        assertThat(sidecar.getImage()).isEqualTo(InjectorEnabled.IMAGE);
        assertThat(sidecar.getArgs()).containsExactly("serve", "--role", "search-reader", "--port", "9911");
        assertThat(env(sidecar)).containsEntry("STS_BROKER_URL", InjectorEnabled.BROKER_URL)
                .containsEntry("STS_BROKER_TOKEN_FILE", "/var/run/secrets/sts-broker/token")
                .containsEntry("STS_BROKER_CA_PEM", Files.readString(Path.of(InjectorEnabled.CA_FILE)).strip() + "\n");
        assertThat(sidecar.getStartupProbe().getExec().getCommand()).last().isEqualTo("http://127.0.0.1:9911/health");
        assertThat(sidecar.getLivenessProbe().getExec().getCommand()).last().isEqualTo("http://127.0.0.1:9911/health/live");
        assertThat(sidecar.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(sidecar.getResources().getRequests().get("memory").toString()).isEqualTo("64Mi");
        assertThat(sidecar.getResources().getLimits().get("memory").toString()).isEqualTo("96Mi");
        // Pod Security "restricted", on the container itself; the pod's own non-root UID.
        var sc = sidecar.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isEqualTo(20002L);
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(result.getSpec().getSecurityContext().getFsGroup()).as("no fsGroup imposed on the pod").isNull();

        Volume token = result.getSpec().getVolumes().stream().filter(v -> v.getName().equals("sts-broker-token")).findFirst().orElseThrow();
        var projection = token.getProjected().getSources().get(0).getServiceAccountToken();
        assertThat(projection.getAudience()).isEqualTo("sts-broker");
        assertThat(projection.getExpirationSeconds()).isEqualTo(3600L);
        assertThat(token.getProjected().getDefaultMode()).isNull();

        for (Container c : List.of(init.get(1), result.getSpec().getContainers().get(0), result.getSpec().getContainers().get(1))) {
            assertThat(env(c)).as(c.getName()).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI", URI)
                    .containsEntry("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        }
        assertThat(env(result.getSpec().getContainers().get(0))).containsEntry("LOG_LEVEL", "info");
    }

    @Test
    void reinvocationOnItsOwnOutputChangesNothing() {
        JsonNode pod = object("pod-labelled.json");
        JsonNode once = Reviews.patchedTree(pod, send(podReview("u-2a", "search", pod)));

        JsonNode again = send(podReview("u-2b", "search", once));

        assertThat(again.path("allowed").asBoolean()).isTrue();
        assertThat(again.has("patch")).as(again.toString()).isFalse();
        assertThat(again.has("warnings")).isFalse();
    }

    @Test
    void containerAddedByAnotherWebhookAfterInjectionGetsOnlyTheVariables() {
        JsonNode pod = object("pod-labelled.json");
        ObjectNode once = (ObjectNode) Reviews.patchedTree(pod, send(podReview("u-3a", "search", pod)));
        ((ArrayNode) once.path("spec").path("containers")).addObject().put("name", "mesh").put("image", "registry.example/mesh:1");

        JsonNode again = send(podReview("u-3b", "search", once));
        Pod result = patched(once, again);

        assertThat(result.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("sts-broker-sidecar", "migrate");
        assertThat(result.getSpec().getVolumes()).hasSize(2);
        assertThat(env(result.getSpec().getContainers().get(2))).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI", URI)
                .containsEntry("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    }

    @Test
    void podsNotLabelledOptedOutOrInExcludedNamespacesAreLeftUnchanged() {
        double before = reviews("Pod", "unchanged");
        record Case(String file, String namespace) { }
        for (Case c : List.of(new Case("pod-not-labelled.json", "search"), new Case("pod-opted-out.json", "search"),
                new Case("pod-labelled.json", "kube-system"), new Case("pod-labelled.json", "sts-broker"),
                new Case("pod-labelled.json", "sts-broker-injector"))) {
            JsonNode response = send(podReview("u-4-" + c.namespace(), c.namespace(), object(c.file())));

            assertThat(response.path("allowed").asBoolean()).as(c.toString()).isTrue();
            assertThat(response.has("patch")).as(c.toString()).isFalse();
            assertThat(response.has("warnings")).as(c.toString()).isFalse();
        }
        assertThat(reviews("Pod", "unchanged")).isEqualTo(before + 5);
    }

    @Test
    void explicitCredentialsUriIsKeptWithAWarningNamingTheContainer() {
        JsonNode pod = object("pod-explicit-uri.json");

        JsonNode response = send(podReview("u-5", "search", pod));
        Pod result = patched(pod, response);

        assertThat(env(result.getSpec().getContainers().get(0))).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI", "http://10.0.0.9:8000/creds")
                .containsEntry("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        assertThat(env(result.getSpec().getContainers().get(1))).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI", URI);
        assertThat(response.path("warnings")).hasSize(1);
        assertThat(response.path("warnings").get(0).asText()).contains("\"legacy\"").contains("ALIBABA_CLOUD_CREDENTIALS_URI");
    }

    @Test
    void ungrantedIdentityIsAdmittedInjectedWithAWarningNamingItAndCounted() {
        double before = ungranted("Pod");
        JsonNode pod = object("pod-labelled.json");

        JsonNode response = send(podReview("u-6", "shop", pod));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(patched(pod, response).getSpec().getInitContainers().get(0).getName()).isEqualTo("sts-broker-sidecar");
        assertThat(response.path("warnings")).hasSize(1);
        assertThat(response.path("warnings").get(0).asText()).contains("system:serviceaccount:shop:indexer")
                .contains("search-reader").contains("allow list");
        assertThat(ungranted("Pod")).isEqualTo(before + 1);
    }

    @Test
    void badOptionalAnnotationsGiveOneWarningEachAndTheDefaults() {
        JsonNode pod = object("pod-bad-annotations.json");

        JsonNode response = send(podReview("u-7", "search", pod));
        Container sidecar = patched(pod, response).getSpec().getInitContainers().get(0);

        assertThat(sidecar.getArgs()).endsWith("--port", "9911");
        assertThat(response.path("warnings").get(0).asText()).endsWith("using 9911");
        assertThat(sidecar.getImage()).isEqualTo(InjectorEnabled.IMAGE);
        assertThat(sidecar.getResources().getLimits().get("cpu").toString()).isEqualTo("1");
        assertThat(sidecar.getResources().getLimits().get("memory").toString()).isEqualTo("96Mi");
        List<String> warnings = texts(response.path("warnings"));
        assertThat(warnings).hasSize(4);
        assertThat(String.join("\n", warnings)).contains("sts-broker.io/port", "sts-broker.io/image", "sts-broker.io/cpu-limit",
                "sts-broker.io/memory-limit").contains("\\u001B[31m").doesNotContain("\u001b");
    }

    @Test
    void goodOptionalAnnotationsAreApplied() {
        ObjectNode pod = (ObjectNode) object("pod-labelled.json");
        ((ObjectNode) pod.path("metadata").path("annotations")).put("sts-broker.io/port", "9300")
                .put("sts-broker.io/image", "registry.example:5000/own/sidecar:2@sha256:" + "a".repeat(64))
                .put("sts-broker.io/cpu-limit", "500m").put("sts-broker.io/memory-limit", "128Mi");

        JsonNode response = send(podReview("u-7b", "search", pod));
        Pod result = patched(pod, response);
        Container sidecar = result.getSpec().getInitContainers().get(0);

        assertThat(response.has("warnings")).as(response.toString()).isFalse();
        assertThat(sidecar.getArgs()).endsWith("--port", "9300");
        assertThat(sidecar.getImage()).startsWith("registry.example:5000/own/sidecar:2@sha256:");
        assertThat(sidecar.getResources().getLimits().get("cpu").toString()).isEqualTo("500m");
        assertThat(sidecar.getResources().getLimits().get("memory").toString()).isEqualTo("128Mi");
        assertThat(env(result.getSpec().getContainers().get(0))).containsEntry("ALIBABA_CLOUD_CREDENTIALS_URI",
                "http://127.0.0.1:9300/v1/credentials");
    }

    @Test
    void labelledPodWithoutARoleOrWithAControlCharacterInItIsDeniedWithTheReason() {
        ObjectNode noRole = (ObjectNode) object("pod-labelled.json");
        ((ObjectNode) noRole.path("metadata")).remove("annotations");
        ObjectNode badRole = (ObjectNode) object("pod-labelled.json");
        ((ObjectNode) badRole.path("metadata").path("annotations")).put("sts-broker.io/role", "search\nreader\u001b[2J");

        JsonNode denied = send(podReview("u-8a", "search", noRole));
        JsonNode escaped = send(podReview("u-8b", "search", badRole));

        assertThat(denied.path("allowed").asBoolean()).isFalse();
        assertThat(denied.path("status").path("code").asInt()).isEqualTo(400);
        assertThat(denied.path("status").path("message").asText()).contains("sts-broker.io/role");
        assertThat(denied.has("patch")).isFalse();
        assertThat(escaped.path("allowed").asBoolean()).isFalse();
        assertThat(escaped.path("status").path("message").asText()).contains("search\\u000Areader\\u001B[2J")
                .doesNotContain("\n").doesNotContain("\u001b");
    }

    @Test
    void labelledPodOfAShapeNoApiServerSendsIsDeniedNot500() {
        List<String> shapes = List.of("{\"containers\": {\"app\": 1}}", "\"spec\"", "{\"containers\": []}",
                "{\"containers\": [\"app\"]}", "{\"containers\": [{\"name\": \"app\", \"env\": \"X=1\"}]}",
                "{\"containers\": [{\"name\": \"app\"}], \"initContainers\": {\"0\": {}}}",
                "{\"containers\": [{\"name\": \"app\"}], \"volumes\": 7}");
        for (String spec : shapes) {
            ObjectNode pod = (ObjectNode) object("pod-labelled.json");
            try {
                pod.set("spec", Reviews.JSON.readTree(spec));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }

            JsonNode response = send(podReview("u-shape", "search", pod));

            assertThat(response.path("allowed").asBoolean()).as(spec).isFalse();
            assertThat(response.path("status").path("message").asText()).as(spec).contains("not a valid Pod");
        }
    }

    @Test
    void deploymentWithAnUngrantedTemplateGetsAWarningAndNoPatch() {
        double before = ungranted("Deployment");

        JsonNode response = send(review("u-9", "apps", "v1", "Deployment", "shop", object("deployment-ungranted.json")));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(texts(response.path("warnings"))).singleElement().asString()
                .contains("system:serviceaccount:shop:cart").contains("search-writer");
        assertThat(ungranted("Deployment")).isEqualTo(before + 1);
    }

    @Test
    void cronJobTemplateIsCheckedAndAGrantedOneGetsNoWarning() {
        JsonNode template = object("deployment-ungranted.json").path("spec").path("template");
        ObjectNode cronJob = Reviews.JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cronJob.putObject("metadata").put("name", "nightly");
        ObjectNode spec = cronJob.putObject("spec").put("schedule", "0 3 * * *");
        spec.putObject("jobTemplate").putObject("spec").set("template", template);

        JsonNode ungrantedInShop = send(review("u-10a", "batch", "v1", "CronJob", "shop", cronJob));
        ((ObjectNode) template.path("spec")).put("serviceAccountName", "indexer");
        JsonNode grantedInSearch = send(review("u-10b", "batch", "v1", "CronJob", "search", cronJob));

        assertThat(texts(ungrantedInShop.path("warnings"))).singleElement().asString().contains("system:serviceaccount:shop:cart");
        assertThat(grantedInSearch.has("warnings")).as(grantedInSearch.toString()).isFalse();
        assertThat(grantedInSearch.has("patch")).isFalse();
    }

    @Test
    void otherKindsAndUpdatesAreAllowedUnchanged() {
        JsonNode configMap = Reviews.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode update = podReview("u-11b", "search", object("pod-labelled.json"));
        ((ObjectNode) update.path("request")).put("operation", "UPDATE");

        for (JsonNode response : List.of(send(review("u-11a", "", "v1", "ConfigMap", "search", configMap)), send(update))) {
            assertThat(response.path("allowed").asBoolean()).isTrue();
            assertThat(response.has("patch")).isFalse();
        }
    }

    @Test
    void bodyAboveTheWebhookLimitIsRefusedWith413Json() {
        ObjectNode pod = (ObjectNode) object("pod-labelled.json");
        ((ObjectNode) pod.path("metadata").path("annotations")).put("filler", "x".repeat(InjectorEnabled.MAX_BODY));

        given().contentType(ContentType.JSON).body(podReview("u-12", "search", pod).toString())
                .when().post(AdmissionRoute.PATH)
                .then().statusCode(413).body("code", equalTo("PayloadTooLarge"));
    }

    @Test
    void bodyAboveTheApiLimitButWithinTheWebhookLimitIsReviewed() {
        ObjectNode pod = (ObjectNode) object("pod-labelled.json");
        ((ObjectNode) pod.path("metadata").path("annotations")).put("filler", "x".repeat(40_000));

        JsonNode response = send(podReview("u-13", "search", pod));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isTrue();
    }

    @Test
    void chunkedBodyAboveTheWebhookLimitIsRefusedWith413Json() throws Exception {
        byte[] big = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"pad\":\""
                + "x".repeat(InjectorEnabled.MAX_BODY) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // ofInputStream has no length: the JDK client sends it chunked, with no Content-Length to refuse up front.
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve(AdmissionRoute.PATH.substring(1)))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"PayloadTooLarge\"");
    }

    @Test
    void malformedOrDeeplyNestedJsonWrongApiVersionWrongKindAndMissingUidAre400JsonNever500() throws Exception {
        double before = reviews("other", "invalid");
        ObjectNode wrongVersion = podReview("u-14", "search", object("pod-labelled.json")).put("apiVersion", "admission.k8s.io/v1beta1");
        ObjectNode wrongKind = podReview("u-14", "search", object("pod-labelled.json")).put("kind", "TokenReview");
        ObjectNode noUid = podReview("u-14", "search", object("pod-labelled.json"));
        ((ObjectNode) noUid.path("request")).remove("uid");
        ObjectNode controlUid = podReview("u-14\u0000\u001b", "search", object("pod-labelled.json"));

        for (String body : List.of("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": ", "[]", "\"review\"", "{} {}",
                wrongVersion.toString(), wrongKind.toString(), noUid.toString(),
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":\"x\",\"kind\":\"AdmissionReview\"}")) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post(AdmissionRoute.PATH)
                    .then().statusCode(400).body("code", equalTo("InvalidParameter"));
        }
        // Nesting beyond Jackson's depth limit (1000), sent outside the contract filter, whose schema
        // validator would walk every level of it.
        java.net.http.HttpResponse<String> deep = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve(AdmissionRoute.PATH.substring(1)))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[".repeat(1_500))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deep.body()).contains("\"code\":\"InvalidParameter\"");
        // A uid with control characters is echoed as JSON escapes: valid JSON, nothing raw.
        assertThat(send(controlUid).path("allowed").asBoolean()).isTrue();
        assertThat(reviews("other", "invalid")).isEqualTo(before + 9);
    }

    @Test
    void nonJsonContentTypeIs415AndEmptyBodyIs400() {
        given().contentType(ContentType.TEXT).body("hello")
                .when().post(AdmissionRoute.PATH)
                .then().statusCode(415).body("code", equalTo("UnsupportedMediaType"));
        given().contentType(ContentType.JSON)
                .when().post(AdmissionRoute.PATH)
                .then().statusCode(400).body("code", equalTo("InvalidParameter"));
    }

    @Test
    void credentialApiIsStillServedBesideTheWebhook() {
        given().when().get("/v1/credentials/search-reader").then().statusCode(401);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** broker_injector_reviews_total for {@code kind} and {@code outcome}, 0 before the first count. */
    static double reviews(String kind, String outcome) {
        return counter("broker_injector_reviews_total{", "kind=\"" + kind + "\"", "outcome=\"" + outcome + "\"");
    }

    private static double counter(String prefix, String... labels) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(prefix) && java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** broker_injector_ungranted_total for {@code kind}, 0 before the first count. */
    static double ungranted(String kind) {
        return counter("broker_injector_ungranted_total{", "kind=\"" + kind + "\"");
    }
}
