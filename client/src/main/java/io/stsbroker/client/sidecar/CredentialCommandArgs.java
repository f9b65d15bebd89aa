package io.stsbroker.client.sidecar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the one-shot commands, which fetch one credential and hand it on:
 * {@code exec --role R [options] -- command args...}, {@code export --role R [--format env|json]
 * [options]} and {@code process --role R [options]}; options are {@code --duration} and
 * {@code --policy-file}.
 *
 * @param command    which command
 * @param help       true if usage was asked for (before any {@code --}); the other fields are then unset
 * @param role       the broker role
 * @param duration   the session duration asked for, or empty for the role's own
 * @param policyFile a file holding a session policy, or {@code null} for none
 * @param format     {@code export}'s output format. By default, {@link Format#ENV}.
 * @param commandLine {@code exec}'s command and its arguments, else empty
 */
public record CredentialCommandArgs(Command command, boolean help, String role, Optional<Duration> duration,
                                    Path policyFile, Format format, List<String> commandLine) {

    /** The one-shot commands. */
    public enum Command {
        EXEC, EXPORT, PROCESS;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Optional<Command> of(String word) {
            for (Command c : values()) {
                if (c.word().equals(word)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    /** {@code export}'s output: shell {@code export} lines, or a JSON object. */
    public enum Format { ENV, JSON }

    /** 1 to 43200 seconds (STS's own maximum), with an optional s, m or h suffix. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smh]?)");
    private static final long MAX_DURATION_SECONDS = 43_200;

    /** Whether {@code word} names one of these commands. */
    public static boolean handles(String word) {
        return Command.of(word).isPresent();
    }

    /** Parses {@code args}, whose first element is the command word. */
    public static CredentialCommandArgs parse(String... args) throws UsageException {
        Command command = Command.of(args[0]).orElseThrow(() -> new UsageException("unknown command"));
        int end = args.length;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                end = i;
                break;
            }
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return new CredentialCommandArgs(command, true, null, Optional.empty(), null, Format.ENV, List.of());
            }
        }
        String role = null;
        String duration = null;
        String policyFile = null;
        String format = null;
        for (int i = 1; i < end; i++) {
            String arg = args[i];
            ArgText.Option option = ArgText.Option.of(arg);
            String name = option.name();
            String value = option.value();
            boolean known = name.equals("--role") || name.equals("--duration") || name.equals("--policy-file")
                    || (name.equals("--format") && command == Command.EXPORT);
            if (!known) {
                throw new UsageException(command == Command.EXEC && !arg.startsWith("-")
                        ? "put '--' before the command to run: exec --role <role> -- " + printable(arg) + " ..."
                        : "unknown option '" + printable(name) + "' for " + command.word());
            }
            if (value == null) {
                if (i + 1 >= end || args[i + 1].startsWith("--")) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--role" -> role = once(role, value, name);
                case "--duration" -> duration = once(duration, value, name);
                case "--policy-file" -> policyFile = once(policyFile, value, name);
                default -> format = once(format, value, name);
            }
        }
        if (role == null) {
            throw new UsageException("--role is required");
        }
        if (role.isBlank() || role.length() > 128 || role.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("--role must be 1-128 printable characters");
        }
        List<String> commandLine = end < args.length ? List.of(args).subList(end + 1, args.length) : List.of();
        if (command == Command.EXEC && commandLine.isEmpty()) {
            throw new UsageException("exec needs a command after '--': exec --role <role> -- <command> [args...]");
        }
        if (command != Command.EXEC && end < args.length) {
            throw new UsageException(command.word() + " takes no command; did you mean exec?");
        }
        return new CredentialCommandArgs(command, false, role, duration == null ? Optional.empty() : Optional.of(duration(duration)),
                policyFile == null ? null : Path.of(policyFile), format(format), List.copyOf(commandLine));
    }

    private static String once(String previous, String value, String name) throws UsageException {
        if (previous != null) {
            throw new UsageException(name + " is given more than once");
        }
        return value;
    }

    static Duration duration(String text) throws UsageException {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long seconds = switch (m.group(2)) {
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n;
            };
            if (seconds >= 1 && seconds <= MAX_DURATION_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        }
        throw new UsageException("--duration must be seconds, or minutes or hours with m or h (e.g. 3600, 45m, 2h),"
                + " at most 12h, not '" + printable(text) + "'");
    }

    private static Format format(String text) throws UsageException {
        if (text == null || text.equals("env")) {
            return Format.ENV;
        }
        if (text.equals("json")) {
            return Format.JSON;
        }
        throw new UsageException("--format must be env or json, not '" + printable(text) + "'");
    }

    /** The usage text of {@code command}. */
    public static String usage(Command command) {
        List<String> lines = new ArrayList<>();
        switch (command) {
            case EXEC -> lines.addAll(List.of(
                    "Usage: java -jar sts-broker-client-sidecar.jar exec --role <role> [options] -- <command> [args...]",
                    "",
                    "Runs <command> with one credential for <role> in its environment (ALIBABA_CLOUD_ACCESS_KEY_ID,",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN; never on its command line) and",
                    "exits with its exit status. STS_BROKER_TOKEN and STS_BROKER_API_KEY are not passed on.",
                    "Ctrl-C reaches the command from the terminal; SIGTERM and SIGHUP are passed on as SIGTERM.",
                    "",
                    "The credential is not renewed: it expires after the role's duration (or --duration). For",
                    "long-running programs use 'serve' and set ALIBABA_CLOUD_CREDENTIALS_URI to its URI instead."));
            case EXPORT -> lines.addAll(List.of(
                    "Usage: java -jar sts-broker-client-sidecar.jar export --role <role> [--format env|json] [options]",
                    "",
                    "Prints one credential for <role>: as shell export lines for ALIBABA_CLOUD_ACCESS_KEY_ID,",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN (--format env, the default;",
                    "use: eval \"$(java -jar sts-broker-client-sidecar.jar export --role <role>)\"), or as JSON",
                    "{\"accessKeyId\",\"accessKeySecret\",\"securityToken\",\"expiration\"} (--format json).",
                    "The credential is not renewed; for long-running programs use 'serve'."));
            case PROCESS -> lines.addAll(List.of(
                    "Usage: java -jar sts-broker-client-sidecar.jar process --role <role> [options]",
                    "",
                    "Prints one credential for <role> as the JSON that an Alibaba Cloud CLI profile in External",
                    "mode reads from its process_command:",
                    "  {\"mode\":\"StsToken\",\"access_key_id\":..,\"access_key_secret\":..,\"sts_token\":..,\"expiration\":..}",
                    "e.g. aliyun configure set --profile broker --mode External --process-command \\",
                    "       \"java -jar /opt/sts-broker-client-sidecar.jar process --role <role>\""));
        }
        lines.addAll(List.of(
                "",
                "Options:",
                "  --role <role>          broker role (required)",
                "  --duration <d>         a shorter session than the role's: seconds, or with m or h (45m, 2h);",
                "                         the broker requires more than its refresh-ahead (30 minutes by default)",
                "  --policy-file <file>   a session policy (JSON) narrowing the role's permissions",
                "  -h, --help             show this help",
                "",
                "Environment: as for 'serve' (STS_BROKER_URL; the token from STS_BROKER_TOKEN_FILE,",
                "STS_BROKER_TOKEN, STS_BROKER_API_KEY or STS_BROKER_API_KEY_ENV; STS_BROKER_CA_FILE, ...).",
                "Nothing secret is written to stderr."));
        return String.join(System.lineSeparator(), lines) + System.lineSeparator() + ExitStatus.table();
    }

    private static String printable(String text) {
        return ArgText.printable(text, 64);
    }
}
