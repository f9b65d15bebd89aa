package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stsbroker.deploy.MonitoringFiles.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of k8s/monitoring: valid for Prometheus ({@code promtool check rules}), proven by
 * their unit tests ({@code promtool test rules}, a case that fires and one that does not for every
 * alert), and each linked to its runbook in docs/OPERATIONS.md.
 */
class MonitoringRulesTest {

    private static final String RUNBOOKS = "docs/OPERATIONS.md";
    private static final Pattern HEADING = Pattern.compile("(?m)^### (StsBroker\\S*)\\s*$");

    @TempDir
    Path dir;

    /** The PrometheusRule's spec and a copy of the unit tests, side by side as the tests' rule_files expect. */
    private Path workspace(String ruleFile) throws IOException {
        Files.writeString(dir.resolve(MonitoringFiles.RULE_FILE_NAME), ruleFile);
        Files.writeString(dir.resolve("alerts.test.yaml"), RepoFiles.read(MonitoringFiles.RULE_TESTS));
        return dir;
    }

    @Test
    void rulesPassPromtoolCheck() throws IOException {
        Promtool.Result r = Promtool.run(workspace(MonitoringFiles.ruleFile()), "check", "rules", MonitoringFiles.RULE_FILE_NAME);

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + MonitoringFiles.alerts().size() + " rules found");
    }

    @Test
    void rulesPassTheirUnitTests() throws IOException {
        Promtool.Result r = Promtool.run(workspace(MonitoringFiles.ruleFile()), "test", "rules", "alerts.test.yaml");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void unitTestsFailWhenAThresholdMoves() throws IOException {
        String loosened = MonitoringFiles.ruleFile().replace("> 0.05", "> 0.5");
        assertThat(loosened).isNotEqualTo(MonitoringFiles.ruleFile());

        Promtool.Result r = Promtool.run(workspace(loosened), "test", "rules", "alerts.test.yaml");

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("FAILED").contains("StsBrokerStsErrorRatioHigh");
    }

    @Test
    void everyAlertHasAUnitTestThatFiresAndOneThatDoesNot() {
        Map<String, int[]> firingAndQuiet = new HashMap<>();
        for (JsonNode test : MonitoringFiles.ruleTests().path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                int[] counts = firingAndQuiet.computeIfAbsent(check.path("alertname").asText(), a -> new int[2]);
                counts[check.path("exp_alerts").isEmpty() ? 1 : 0]++;
            }
        }
        for (Alert alert : MonitoringFiles.alerts()) {
            int[] counts = firingAndQuiet.getOrDefault(alert.name(), new int[2]);
            assertThat(counts[0]).as("unit tests in which %s fires", alert.name()).isPositive();
            assertThat(counts[1]).as("unit tests in which %s stays quiet", alert.name()).isPositive();
        }
        assertThat(firingAndQuiet.keySet()).as("unit tests of alerts that do not exist")
                .isSubsetOf(MonitoringFiles.alerts().stream().map(Alert::name).collect(Collectors.toSet()));
    }

    @Test
    void everyAlertLinksToARunbookThatSaysWhatItMeansHowToConfirmAndWhatToDo() {
        String runbooks = RepoFiles.read(RUNBOOKS);
        Map<String, String> sections = sections(runbooks);
        for (Alert alert : MonitoringFiles.alerts()) {
            assertThat(alert.labels()).as(alert.name()).containsKey("severity");
            assertThat(alert.annotations()).as(alert.name()).containsKeys("summary", "description");
            assertThat(alert.annotations().get("runbook_url")).as(alert.name())
                    .endsWith("/" + RUNBOOKS + "#" + alert.name().toLowerCase(Locale.ROOT));
            assertThat(sections).as("a section '### %s' in %s", alert.name(), RUNBOOKS).containsKey(alert.name());
            assertThat(sections.get(alert.name())).as("runbook of " + alert.name())
                    .contains("**What it means.**", "**How to confirm.**", "**What to do.**");
        }
        assertThat(sections.keySet()).as("runbooks of alerts that do not exist")
                .isSubsetOf(MonitoringFiles.alerts().stream().map(Alert::name).collect(Collectors.toSet()));
    }

    @Test
    void metricNamesAreReadFromPromqlWithoutFunctionsLabelsOrVariables() {
        String expr = "histogram_quantile(0.99, sum by (outcome, le) (rate(http_server_requests_seconds_bucket{job=\"x\", uri=~\"/v1.*\"}[$__rate_interval])))"
                + " / on (job) group_left count(up{job=\"x\"} == 1) * $budget and time() - broker_a offset 15m > 900";

        assertThat(MonitoringFiles.metricNames(expr)).containsExactlyInAnyOrder("http_server_requests_seconds_bucket", "up", "broker_a");
    }

    /** Runbook headings ("### AlertName") to the text up to the next heading. */
    private static Map<String, String> sections(String markdown) {
        Map<String, String> out = new HashMap<>();
        Matcher m = HEADING.matcher(markdown);
        List<int[]> starts = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start(), m.end()});
            names.add(m.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : markdown.length();
            String body = markdown.substring(starts.get(i)[1], end);
            int nextH2 = body.indexOf("\n## ");
            out.put(names.get(i), nextH2 < 0 ? body : body.substring(0, nextH2));
        }
        return out;
    }

}
