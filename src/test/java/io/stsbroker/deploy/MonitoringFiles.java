package io.stsbroker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What k8s/monitoring holds: the alert rules, their unit tests and the dashboard's queries. */
final class MonitoringFiles {

    static final String RULE = "k8s/monitoring/prometheusrule.yaml";
    static final String RULE_TESTS = "k8s/monitoring/tests/alerts.test.yaml";
    static final String DASHBOARD = "k8s/monitoring/dashboard.json";
    /** The name the unit tests' {@code rule_files} give the PrometheusRule's spec. */
    static final String RULE_FILE_NAME = "sts-broker.rules.yaml";

    record Alert(String name, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PromQL words that are not metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "atan2", "inf", "nan");
    private static final Pattern LABEL_LISTS = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NAME = Pattern.compile("(?<![\\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\\w(]|\\s*\\()");

    private MonitoringFiles() {
    }

    static JsonNode rule() {
        return yaml(RepoFiles.read(RULE));
    }

    /** The PrometheusRule's spec: a Prometheus rule file ({@code groups: ...}), as promtool reads it. */
    static String ruleFile() {
        try {
            return YAML.writeValueAsString(rule().get("spec"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Alert> alerts() {
        List<Alert> out = new ArrayList<>();
        for (JsonNode group : rule().path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if (r.has("alert")) {
                    out.add(new Alert(r.get("alert").asText(), r.get("expr").asText(),
                            JSON.convertValue(r.path("labels"), JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class)),
                            JSON.convertValue(r.path("annotations"), JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class))));
                }
            }
        }
        return out;
    }

    static JsonNode ruleTests() {
        return yaml(RepoFiles.read(RULE_TESTS));
    }

    static JsonNode dashboard() {
        try {
            return JSON.readTree(RepoFiles.read(DASHBOARD));
        } catch (IOException e) {
            throw new AssertionError(DASHBOARD + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Every PromQL query of the dashboard: panel targets and template variable queries. */
    static List<String> dashboardQueries() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                // label_values(<series selector>, <label>): only the selector is PromQL.
                String q = variable.path("definition").asText();
                out.add(q.replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
            }
        }
        return out;
    }

    /**
     * The metric names a PromQL expression reads: words that are neither functions (followed by
     * a parenthesis), keywords, label names in by/without/on lists, nor inside label matchers,
     * range brackets, strings or Grafana variables.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\$\\{?\\w+}?", " 1 ");
        s = LABEL_LISTS.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + e.getMessage(), e);
        }
    }
}
