package io.stsbroker.client.sidecar;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The sidecar's parsed command line: {@code serve --role <role> [--port 9911] [--bind 127.0.0.1]
 * [--allowed-host <host>]... [--path-token-file <file> | --generate-path-token]} or {@code --help}.
 *
 * @param help              true if usage was asked for; the other fields are then unset
 * @param role              the broker role whose credentials are served
 * @param port              the TCP port; 0 picks a free one. By default, {@value #DEFAULT_PORT}.
 * @param bind              the address to listen on. By default, {@code 127.0.0.1}: only this host (or pod) can connect.
 * @param allowedHosts      Host header values answered besides those the bind address implies. By default, none.
 * @param pathTokenFile     a file holding the secret path segment, or {@code null}. By default, none.
 * @param generatePathToken whether to make up a path token at start and print the URI holding it. By default, false.
 */
public record SidecarArgs(boolean help, String role, int port, InetAddress bind, Set<String> allowedHosts,
                          Path pathTokenFile, boolean generatePathToken) {
    public static final int DEFAULT_PORT = 9911;

    private static final List<String> OPTIONS = List.of("--role", "--port", "--bind", "--allowed-host",
            "--path-token-file", "--generate-path-token");
    /** Options that take no value. */
    private static final List<String> FLAGS = List.of("--generate-path-token");
    /** Options that may be given more than once. */
    private static final List<String> REPEATABLE = List.of("--allowed-host");

    /** The plain form: no extra hosts, no path token. */
    public SidecarArgs(boolean help, String role, int port, InetAddress bind) {
        this(help, role, port, bind, Set.of(), null, false);
    }
    /** IP literals only: a host name would need DNS at start-up and could resolve somewhere unexpected. */
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** The usage text printed by {@code --help}. */
    public static String usage() {
        return String.join(System.lineSeparator(),
                "Usage: java -jar sts-broker-client-sidecar.jar serve --role <role> [--port <port>] [--bind <address>]",
                "         [--allowed-host <host>]... [--path-token-file <file> | --generate-path-token]",
                "",
                "Serves the broker's credentials for <role> in the credentials-java URI format at",
                "  GET http://127.0.0.1:<port>/v1/credentials",
                "(health: GET /health, 503 until a credential is held; liveness: GET /health/live)",
                "so that ALIBABA_CLOUD_CREDENTIALS_URI=http://127.0.0.1:9911/v1/credentials makes every Alibaba",
                "Cloud SDK use the broker.",
                "",
                "Options:",
                "  --role <role>      broker role to serve (required)",
                "  --port <port>      TCP port, 0 for any free port (default " + DEFAULT_PORT + ")",
                "  --bind <address>   IP address to listen on (default 127.0.0.1). Bind beyond loopback only",
                "                     if every host that can reach it may have the credentials.",
                "  --allowed-host <h> a Host header value to answer besides localhost and loopback literals",
                "                     (or the --bind address); repeat or separate with commas",
                "  --path-token-file <file>  serve credentials only at /<token>/v1/credentials, the token",
                "                     read from <file> (22-256 characters of A-Z a-z 0-9 _ -); other paths 404",
                "  --generate-path-token     as --path-token-file with a random token, printed at start in",
                "                     the URI to use",
                "  -h, --help         show this help",
                "",
                "Environment: STS_BROKER_URL (required), STS_BROKER_TOKEN_FILE (default",
                "/var/run/secrets/sts-broker/token), STS_BROKER_TOKEN, STS_BROKER_API_KEY, STS_BROKER_API_KEY_ENV,",
                "STS_BROKER_CA_FILE (or the PEM itself in STS_BROKER_CA_PEM), STS_BROKER_ALLOW_PLAIN_HTTP (true to allow http:// off this host),",
                "STS_BROKER_PROXY (host:port; JVM proxy settings are ignored).",
                "",
                "Other commands (each with its own --help), for people and hosts outside Kubernetes:",
                "  exec --role <role> -- <command> [args...]   run a command with one credential in its environment",
                "  export --role <role> [--format env|json]     print one credential as shell exports or JSON",
                "  process --role <role>                        print one credential for an aliyun CLI External profile",
                "",
                ExitStatus.table());
    }

    /** Parses {@code args}; {@code --help} anywhere wins over everything else. */
    public static SidecarArgs parse(String... args) throws UsageException {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) {
                return new SidecarArgs(true, null, 0, null, Set.of(), null, false);
            }
        }
        if (args.length == 0) {
            throw new UsageException("missing command: expected serve, exec, export or process");
        }
        if (!args[0].equals("serve")) {
            throw new UsageException("unknown command '" + printable(args[0]) + "': expected serve, exec, export or process");
        }
        Map<String, List<String>> all = options(args);
        Map<String, String> options = new HashMap<>();
        all.forEach((name, values) -> options.put(name, values.get(values.size() - 1)));
        String role = options.get("--role");
        if (role == null) {
            throw new UsageException("--role is required");
        }
        if (role.isBlank() || role.length() > 128 || role.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("--role must be 1-128 printable characters");
        }
        int port = port(options.getOrDefault("--port", String.valueOf(DEFAULT_PORT)));
        InetAddress bind = bind(options.getOrDefault("--bind", "127.0.0.1"));
        Set<String> allowedHosts = new TreeSet<>();
        for (String value : all.getOrDefault("--allowed-host", List.of())) {
            for (String host : value.split(",", -1)) {
                if (!HostPolicy.validAllowedHost(host.strip())) {
                    throw new UsageException("--allowed-host must be a DNS name or IP literal, not '" + printable(host) + "'");
                }
                allowedHosts.add(host.strip());
            }
        }
        boolean generate = options.containsKey("--generate-path-token");
        Path tokenFile = options.containsKey("--path-token-file") ? Path.of(options.get("--path-token-file")) : null;
        if (generate && tokenFile != null) {
            throw new UsageException("give --path-token-file or --generate-path-token, not both");
        }
        return new SidecarArgs(false, role, port, bind, Set.copyOf(allowedHosts), tokenFile, generate);
    }

    /** Whether only this host (or pod) can connect. */
    public boolean loopbackOnly() {
        return bind.isLoopbackAddress();
    }

    private static Map<String, List<String>> options(String[] args) throws UsageException {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            ArgText.Option option = ArgText.Option.of(arg);
            String name = option.name();
            String value = option.value();
            if (!OPTIONS.contains(name)) {
                throw new UsageException("unknown option '" + printable(name) + "'");
            }
            if (FLAGS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                value = "true";
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            List<String> values = options.computeIfAbsent(name, n -> new java.util.ArrayList<>());
            if (!values.isEmpty() && !REPEATABLE.contains(name)) {
                throw new UsageException(name + " is given more than once");
            }
            values.add(value);
        }
        return options;
    }

    private static int port(String text) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--port must be a number from 0 to 65535, not '" + printable(text) + "'");
    }

    private static InetAddress bind(String text) throws UsageException {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            throw new UsageException("--bind must be an IP address such as 127.0.0.1 or ::1, not '" + printable(text) + "'");
        }
        try {
            // For a literal, getByName only parses; it never asks DNS.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind must be an IP address such as 127.0.0.1 or ::1, not '" + printable(text) + "'");
        }
    }

    private static String printable(String text) {
        return ArgText.printable(text, 64);
    }
}
