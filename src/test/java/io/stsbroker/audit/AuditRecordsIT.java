package io.stsbroker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar in the production profile writes JSON: every console line is one JSON object;
 * audit records are objects of the documented schema (docs/OPERATIONS.md, "Audit records"), not
 * strings inside a log line, on the console and in {@code broker.audit.file}, which rotates within
 * its bound; a request's log lines carry its id in {@code mdc.requestId}; no secret, token or API key
 * appears in any of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditRecordsIT {

    /** The documented schema: every field an audit record may have. */
    static final Set<String> SCHEMA = Set.of("time", "event", "outcome", "requestId", "caller", "target", "role",
            "roleArn", "sessionName", "accessKeyId", "expiration", "reason");
    private static final String KEY = "audit-it-key-0123456789";
    private static final String ADMIN_KEY = "audit-it-admin-key-0123456789";
    private static final long MAX_SIZE = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Path file;
    private PackagedBroker broker;
    private final List<String> secrets = new ArrayList<>(List.of(KEY, ADMIN_KEY));
    private String mintId;
    private String invalidateId;

    @BeforeAll
    void runRequests() throws Exception {
        dir = Files.createTempDirectory("audit-it");
        file = dir.resolve("audit.log");
        broker = PackagedBroker.start(List.of("-Dbroker.sts.provider=embedded",
                "-Dbroker.api-keys.it=" + sha256(KEY), "-Dbroker.api-keys.admin=" + sha256(ADMIN_KEY),
                "-Dbroker.roles.it-role.arn=acs:ram::1234567890123456:role/it-role",
                "-Dbroker.roles.it-role.allow=apikey:it",
                "-Dbroker.roles.other-role.arn=acs:ram::1234567890123456:role/other-role",
                "-Dbroker.roles.other-role.allow=apikey:nobody",
                "-Dbroker.admin.allow=apikey:admin",
                "-Dbroker.audit.hand-outs=true",
                "-Dbroker.audit.file=" + file,
                "-Dbroker.audit.file-max-size=" + MAX_SIZE,
                "-Dbroker.audit.file-backups=1"));

        mintId = "it-mint-1";
        HttpResponse<String> mint = send(get("/v1/credentials/it-role", KEY, mintId));
        assertThat(mint.statusCode()).as(mint.body()).isEqualTo(200);
        JsonNode credential = JSON.readTree(mint.body());
        secrets.add(credential.path("accessKeySecret").asText());
        secrets.add(credential.path("securityToken").asText());
        assertThat(secrets).allSatisfy(s -> assertThat(s).isNotBlank());

        assertThat(send(get("/v1/credentials/other-role", KEY, "it-deny-1")).statusCode()).isEqualTo(403);
        invalidateId = "it-invalidate-1";
        assertThat(send(HttpRequest.newBuilder(broker.api().resolve("/v1/admin/invalidate"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("X-Request-Id", invalidateId)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"it-role\"}")).build()).statusCode()).isEqualTo(200);
        // Enough hand-outs (each a record of ~400 bytes) to rotate the file more than once.
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = send(get("/v1/credentials/it-role", KEY, "it-handout-" + i));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode c = JSON.readTree(r.body());
            secrets.add(c.path("accessKeySecret").asText());
            secrets.add(c.path("securityToken").asText());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> consoleAudit().stream()
                .anyMatch(n -> n.path("requestId").asText().equals("it-handout-29")));
    }

    @AfterAll
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void everyConsoleLineIsAJsonObject() throws Exception {
        List<String> lines = broker.output().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThan(35);
        for (String line : lines) {
            assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
        }
    }

    @Test
    void auditRecordsAreObjectsOfTheDocumentedSchemaNotStringsInALogLine() throws Exception {
        List<JsonNode> audit = consoleAudit();
        for (JsonNode n : audit) {
            assertThat(fields(n)).as(n.toString()).isSubsetOf(SCHEMA).contains("time", "event", "outcome");
            assertThat(Instant.parse(n.path("time").asText())).isNotNull();
        }
        JsonNode mint = only(audit, "mint", mintId);
        assertThat(mint.path("outcome").asText()).isEqualTo("Success");
        assertThat(mint.path("caller").asText()).isEqualTo("apikey:it");
        assertThat(mint.path("role").asText()).isEqualTo("it-role");
        assertThat(mint.path("roleArn").asText()).isEqualTo("acs:ram::1234567890123456:role/it-role");
        assertThat(mint.path("sessionName").asText()).isNotBlank();
        assertThat(mint.path("accessKeyId").asText()).isNotBlank();
        assertThat(Instant.parse(mint.path("expiration").asText())).isAfter(Instant.now());

        JsonNode deny = only(audit, "deny", "it-deny-1");
        assertThat(deny.path("outcome").asText()).isEqualTo("Forbidden");
        assertThat(deny.path("reason").asText()).isNotBlank();
        JsonNode invalidate = only(audit, "invalidate", invalidateId);
        assertThat(invalidate.path("caller").asText()).isEqualTo("apikey:admin");
        assertThat(invalidate.path("roleArn").asText()).isEqualTo("acs:ram::1234567890123456:role/it-role");

        // No application log line carries an audit record as its message.
        assertThat(consoleLines()).filteredOn(n -> n.has("message"))
                .noneMatch(n -> n.path("message").asText().contains("\"event\""));
    }

    @Test
    void aRequestsLogLinesCarryItsIdInTheMdc() {
        assertThat(consoleLines()).filteredOn(n -> n.path("loggerName").asText().endsWith("AdminResource"))
                .singleElement().satisfies(n -> assertThat(n.path("mdc").path("requestId").asText()).isEqualTo(invalidateId));
    }

    @Test
    void theAuditFileHoldsTheSameRecordsRotatedWithinItsBound() throws Exception {
        Path backup = dir.resolve("audit.log.1");
        assertThat(backup).exists();
        assertThat(dir.resolve("audit.log.2")).doesNotExist();
        List<JsonNode> inFile = new ArrayList<>();
        for (Path p : List.of(backup, file)) {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            // Rotation happens before a write once the file has reached the size: one record over at most.
            long longest = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).max().orElse(0);
            assertThat(Files.size(p)).as(p.toString()).isLessThan(MAX_SIZE + longest);
            for (String line : lines) {
                JsonNode n = JSON.readTree(line);
                assertThat(fields(n)).as(line).isSubsetOf(SCHEMA);
                inFile.add(n);
            }
        }
        // The newest records, in order, are the console's newest records.
        List<String> console = consoleAudit().stream().map(JsonNode::toString).toList();
        List<String> files = inFile.stream().map(JsonNode::toString).toList();
        assertThat(files).isNotEmpty();
        assertThat(console.subList(console.size() - files.size(), console.size())).isEqualTo(files);
        assertThat(files.get(files.size() - 1)).contains("it-handout-29");
    }

    @Test
    void noSecretTokenOrApiKeyIsWrittenAnywhere() throws Exception {
        StringBuilder all = new StringBuilder(broker.output());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                all.append(Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        assertThat(secrets).hasSizeGreaterThan(4);
        for (String secret : secrets) {
            assertThat(all.toString()).doesNotContain(secret);
        }
    }

    private List<JsonNode> consoleLines() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : broker.output().lines().filter(l -> l.startsWith("{")).toList()) {
            try {
                nodes.add(JSON.readTree(line));
            } catch (Exception notJson) {
                // everyConsoleLineIsAJsonObject reports it
            }
        }
        return nodes;
    }

    private List<JsonNode> consoleAudit() {
        return consoleLines().stream().filter(n -> n.has("event")).toList();
    }

    private static JsonNode only(List<JsonNode> audit, String event, String requestId) {
        List<JsonNode> found = audit.stream().filter(n -> n.path("event").asText().equals(event)
                && n.path("requestId").asText().equals(requestId)).toList();
        assertThat(found).as(event + " " + requestId + " in " + audit).hasSize(1);
        return found.get(0);
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private HttpRequest get(String path, String key, String requestId) {
        return HttpRequest.newBuilder(broker.api().resolve(path)).header("Authorization", "Bearer " + key)
                .header("X-Request-Id", requestId).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<String> send(HttpRequest r) throws Exception {
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
