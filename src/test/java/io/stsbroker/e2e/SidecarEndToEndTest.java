package io.stsbroker.e2e;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.URLCredentialProvider;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.sidecar.SidecarServer;
import io.stsbroker.testsupport.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stsbroker.e2e.E2e.CLIENT_REFRESHING;
import static io.stsbroker.e2e.E2e.advanceToLeft;
import static io.stsbroker.e2e.E2e.await;
import static io.stsbroker.e2e.E2e.brokerAnswer;
import static io.stsbroker.e2e.E2e.jwt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * credentials-java's own {@link URLCredentialProvider}, unmodified, reading the broker's
 * credentials through the client's sidecar: in-process, and as the packaged jar run as a process.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class SidecarEndToEndTest {

    /** Built by {@code ./mvnw -f client/pom.xml install}, the README's first step. */
    private static final Path SIDECAR_JAR = Path.of("client/target/sts-broker-client-sidecar.jar");
    private static final Pattern SERVING = Pattern.compile("serving role 'search-reader' at (http://\\S+/v1/credentials)");

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    /** One read by a new provider, as an SDK process starting up would do it. */
    private static CredentialModel readWithCredentialsJava(URI credentialsUri) {
        URLCredentialProvider provider = URLCredentialProvider.builder().credentialsURI(credentialsUri.toString()).build();
        try {
            return provider.getCredentials();
        } finally {
            provider.close();
        }
    }

    private static void assertSameAsBroker(CredentialModel model, Response broker) {
        assertThat(model.getAccessKeyId()).isEqualTo(broker.path("accessKeyId"));
        assertThat(model.getAccessKeySecret()).isEqualTo(broker.path("accessKeySecret"));
        assertThat(model.getSecurityToken()).isEqualTo(broker.path("securityToken"));
        assertThat(Instant.ofEpochMilli(model.getExpiration())).isEqualTo(Instant.parse(broker.path("expiration")));
    }

    @Test
    void credentialsJavasUriProviderReadsTheBrokersCredentialsThroughTheSidecarAndTheirRotation() throws IOException {
        String sub = "system:serviceaccount:search:e2e-sidecar";
        try (BrokerCredentials credentials = E2e.client(base, jwt(sub), clock).credentials("search-reader");
             SidecarServer sidecar = SidecarServer.start(credentials, 0)) {
            CredentialModel first = readWithCredentialsJava(sidecar.credentialsUri());
            assertSameAsBroker(first, brokerAnswer(jwt(sub), "search-reader"));

            TemporaryCredentials cached = credentials.credentials();
            advanceToLeft(clock, cached.expiration(), CLIENT_REFRESHING);
            CredentialModel rotated = await(() -> readWithCredentialsJava(sidecar.credentialsUri()),
                    m -> !m.getAccessKeyId().equals(first.getAccessKeyId()), "the sidecar to serve the rotated credential");

            assertSameAsBroker(rotated, brokerAnswer(jwt(sub), "search-reader"));
        }
    }

    @Test
    void packagedSidecarJarPrintsItsUsage() throws Exception {
        Process help = sidecarProcess("--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(out).contains("Usage: java -jar sts-broker-client-sidecar.jar serve --role <role>");
    }

    @Test
    void packagedSidecarJarServesTheBrokersCredentialsToCredentialsJava() throws Exception {
        String sub = "system:serviceaccount:search:e2e-sidecar-process";
        ProcessBuilder builder = sidecarProcess("serve", "--role", "search-reader", "--port", "0");
        builder.environment().keySet().removeIf(name -> name.startsWith("STS_BROKER_") || name.startsWith("ALIBABA_CLOUD_"));
        builder.environment().put("STS_BROKER_URL", base.toString());
        builder.environment().put("STS_BROKER_TOKEN", jwt(sub));
        Process sidecar = builder.start();
        try {
            URI credentialsUri = awaitServing(sidecar);

            assertThat(get(credentialsUri.resolve("/health"))).isEqualTo("{\"status\":\"UP\"}");
            assertSameAsBroker(readWithCredentialsJava(credentialsUri), brokerAnswer(jwt(sub), "search-reader"));
        } finally {
            sidecar.destroy();
            if (!sidecar.waitFor(10, TimeUnit.SECONDS)) {
                sidecar.destroyForcibly();
            }
        }
        // The README promises 0 for a clean shutdown, but a JVM ended by SIGTERM reports 128 + 15
        // whatever main returns (System.exit blocks while shutdown hooks run); 143 is what Kubernetes sees.
        assertThat(sidecar.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
    }

    private static ProcessBuilder sidecarProcess(String... args) {
        assertThat(SIDECAR_JAR).as("the packaged sidecar; build it with ./mvnw -f client/pom.xml install").isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", SIDECAR_JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Reads the sidecar's stderr until it says where it serves; fails with everything it said otherwise. */
    private static URI awaitServing(Process sidecar) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(sidecar.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "sidecar-stderr");
        reader.setDaemon(true);
        reader.start();
        StringBuilder said = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!sidecar.isAlive() && lines.isEmpty()) {
                    break;
                }
                continue;
            }
            said.append(line).append('\n');
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                return URI.create(m.group(1));
            }
        }
        throw new AssertionError("The sidecar did not start serving (alive=" + sidecar.isAlive() + "); it said:\n" + said);
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
