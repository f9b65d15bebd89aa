package io.stsbroker.api.admission;

import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar in the production profile with the injector-only settings the shipped manifests
 * use (k8s/components/injector): it starts without an STS identity, API keys or JWT keys, is
 * ready on the management port, answers a review on the API port and serves nothing else there.
 */
class InjectorOnlyPackagedIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void injectorOnlyStartsWithoutCredentialsAndServesOnlyTheWebhook() throws Exception {
        String review = Files.readString(Path.of("src/test/resources/admission/pod-labelled.json"));
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"it-1\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"namespace\":\"search\","
                + "\"object\":" + review + "}}";
        try (PackagedBroker broker = PackagedBroker.start(List.of("-Dbroker.sts.provider=none", "-Dbroker.injector.enabled=true",
                "-Dbroker.injector.only=true", "-Dbroker.injector.broker-url=https://sts-broker.sts-broker.svc",
                "-Dbroker.injector.sidecar-image=registry.example/sidecar:1"))) {
            HttpResponse<String> ready = get(broker.management().resolve("/q/health/ready"));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(broker.api().resolve(AdmissionRoute.PATH))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> credentials = get(broker.api().resolve("/v1/credentials/search-reader"));

            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"uid\":\"it-1\"").contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"")
                    .as("an empty catalogue grants nothing: the warning names the identity")
                    .contains("system:serviceaccount:search:indexer");
            assertThat(credentials.statusCode()).isEqualTo(404);
            assertThat(broker.output()).doesNotContain("Exception");
        }
    }

    @Test
    void injectorOnlyWithAnStsProviderRefusesToStart() throws Exception {
        Process p = PackagedBroker.processBuilder(List.of("-Dbroker.sts.provider=embedded", "-Dbroker.injector.enabled=true",
                "-Dbroker.injector.only=true", "-Dbroker.injector.broker-url=https://b", "-Dbroker.injector.sidecar-image=i:1"),
                java.util.Map.of()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isNotZero();
        assertThat(out).contains("broker.sts.provider=embedded").contains("broker.injector.only=true");
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
