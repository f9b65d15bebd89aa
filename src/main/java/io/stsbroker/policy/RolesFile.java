package io.stsbroker.policy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.stsbroker.config.BrokerConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code broker.roles-file}: YAML with one top-level key, {@code roles}, whose entries have
 * exactly the shape of {@code broker.roles.<name>} ({@code arn}, {@code duration}, {@code policy},
 * {@code external-id}, {@code allow}):
 *
 * <pre>
 * roles:
 *   search-reader:
 *     arn: acs:ram::1234567890123456:role/search-reader
 *     duration: 1h
 *     allow:
 *       - system:serviceaccount:search:*
 * </pre>
 *
 * <p>Only the shape is checked here (types, unknown keys, which would otherwise silently deny); the
 * values go through {@link RoleValidator} like {@code broker.roles}. An empty file is refused: an
 * editor that truncated the file must not wipe the catalogue; {@code roles: {}} removes every role.
 */
final class RolesFile {

    /** Larger files are refused: a catalogue is kilobytes, and the whole file is read on every poll. */
    static final int MAX_BYTES = 1024 * 1024;
    private static final Set<String> ROLE_KEYS = Set.of("arn", "duration", "policy", "external-id", "allow");
    /** {@code broker.roles.<name>.duration}'s default. */
    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(3600);

    /** The file's bytes as read, and their SHA-256 (hex), which is how changes are noticed. */
    record Raw(byte[] bytes, String sha256) {
    }

    /** The roles of one version of the file, not yet validated. */
    record Content(Map<String, BrokerConfig.RoleConfig> roles, String sha256) {
    }

    /**
     * One role as written in the file, in the shape {@link RoleValidator} takes. Per-role request
     * limits are start-up configuration only ({@code broker.roles.<name>.rate-limit}): the caller
     * limiter is built once, so the file refuses a {@code rate-limit} key as unknown rather than
     * silently ignoring it.
     */
    private record FileRole(String arn, Duration duration, Optional<String> policy, Optional<String> externalId,
                            Optional<List<String>> allow) implements BrokerConfig.RoleConfig {
        @Override
        public Optional<Integer> rateLimit() {
            return Optional.empty();
        }
    }

    private RolesFile() {
    }

    /**
     * Reads the file if it is a regular file (following symbolic links, as a Kubernetes ConfigMap
     * mount needs) of at most {@link #MAX_BYTES}, within {@link RolesFileReader}'s time bound.
     */
    static Raw read(Path path) throws IOException {
        return RolesFileReader.shared().read(path);
    }

    /**
     * @throws IllegalArgumentException naming the problem: not UTF-8, not YAML, empty, too large,
     *                                  unknown key, or a value of the wrong type
     */
    static Content parse(Raw raw) {
        if (raw.bytes().length > MAX_BYTES) {
            throw new IllegalArgumentException("the file is larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw.bytes())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the file is not UTF-8 text");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("the file is empty; write 'roles: {}' to remove every role");
        }
        Object doc;
        try {
            doc = yaml().load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("the file is not valid YAML: " + oneLine(e.getMessage()));
        }
        if (doc == null) {
            throw new IllegalArgumentException("the file is empty (only comments); write 'roles: {}' to remove every role");
        }
        if (!(doc instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("expected a mapping with the single key 'roles'");
        }
        for (Object key : top.keySet()) {
            if (!"roles".equals(key)) {
                throw new IllegalArgumentException("unknown top-level key '" + key + "'; the file holds only 'roles'");
            }
        }
        if (!top.containsKey("roles")) {
            throw new IllegalArgumentException("expected a mapping with the single key 'roles'");
        }
        Object rolesNode = top.get("roles");
        Map<String, BrokerConfig.RoleConfig> roles = new LinkedHashMap<>();
        if (rolesNode == null) {
            return new Content(roles, raw.sha256());
        }
        if (!(rolesNode instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("'roles' must be a mapping of role name to role");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new IllegalArgumentException("role name " + e.getKey() + " must be a string");
            }
            roles.put(name, role(name, e.getValue()));
        }
        return new Content(roles, raw.sha256());
    }

    private static BrokerConfig.RoleConfig role(String name, Object node) {
        String at = "roles." + name;
        if (!(node instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException(at + " must be a mapping with arn, duration, policy, external-id, allow");
        }
        for (Object key : fields.keySet()) {
            if (!(key instanceof String k) || !ROLE_KEYS.contains(k)) {
                throw new IllegalArgumentException(at + "." + key + ": unknown setting; a role has "
                        + "arn, duration, policy, external-id and allow");
            }
        }
        String arn = scalar(at + ".arn", fields.get("arn"));
        if (arn == null) {
            throw new IllegalArgumentException(at + ".arn is required");
        }
        return new FileRole(arn, duration(at + ".duration", fields.get("duration")),
                Optional.ofNullable(scalar(at + ".policy", fields.get("policy"))),
                Optional.ofNullable(scalar(at + ".external-id", fields.get("external-id"))),
                allow(at + ".allow", fields.get("allow")));
    }

    private static Duration duration(String at, Object node) {
        if (node == null) {
            return DEFAULT_DURATION;
        }
        String s = scalar(at, node);
        try {
            // The converter broker.roles.<name>.duration uses: plain seconds, "2h", or ISO-8601 "PT2H".
            return DurationConverter.parseDuration(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + "='" + s + "': not a duration (seconds, or a value like 2h)");
        }
    }

    /** A list of patterns, or one string with comma-separated patterns (as a property value would be). */
    private static Optional<List<String>> allow(String at, Object node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                String s = item == null ? "" : scalar(at, item);
                out.add(s);
            }
            return Optional.of(out);
        }
        return Optional.of(Arrays.asList(scalar(at, node).split(",", -1)));
    }

    /** Scalars as text (YAML reads {@code 12345} as a number); mappings and lists are refused. */
    private static String scalar(String at, Object node) {
        if (node == null) {
            return null;
        }
        if (node instanceof Map<?, ?> || node instanceof List<?>) {
            throw new IllegalArgumentException(at + " must be a single value, not a "
                    + (node instanceof Map<?, ?> ? "mapping" : "list")
                    + (at.endsWith(".policy") ? " (write the session policy as a JSON string)" : ""));
        }
        if (node instanceof byte[]) {
            throw new IllegalArgumentException(at + " must be text, not binary");
        }
        return node.toString();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_BYTES);
        return new Yaml(new SafeConstructor(options));
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
