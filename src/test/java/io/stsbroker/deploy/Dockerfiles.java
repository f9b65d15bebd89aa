package io.stsbroker.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small Dockerfile reader: enough of the syntax (comments, line continuations, JSON and shell
 * forms, {@code KEY=value} pairs with quotes, {@code ARG} defaults in {@code FROM}) to check the
 * rules the images must keep, without a Docker engine.
 */
final class Dockerfiles {

    record Instruction(int line, String keyword, String args) {
    }

    /** One {@code COPY}: its flags, its sources and its destination. */
    record Copy(Map<String, String> flags, List<String> sources, String destination) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final List<Instruction> instructions;

    private Dockerfiles(String file, List<Instruction> instructions) {
        this.file = file;
        this.instructions = instructions;
    }

    static Dockerfiles broker() {
        return read("docker/Dockerfile");
    }

    static Dockerfiles sidecar() {
        return read("docker/Dockerfile.sidecar");
    }

    static Dockerfiles read(String relative) {
        return new Dockerfiles(relative, parse(RepoFiles.read(relative)));
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = null;
        int startLine = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue; // comments and empty lines, also inside continued instructions, as Docker does
            }
            if (current == null) {
                current = new StringBuilder();
                startLine = i + 1;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String instr = current.toString().strip();
                int sp = instr.indexOf(' ');
                String keyword = (sp < 0 ? instr : instr.substring(0, sp)).toUpperCase(Locale.ROOT);
                String args = sp < 0 ? "" : instr.substring(sp + 1).strip();
                out.add(new Instruction(startLine, keyword, args));
                current = null;
            }
        }
        if (current != null) {
            throw new IllegalArgumentException("the last instruction ends with a line continuation: " + current);
        }
        return out;
    }

    String file() {
        return file;
    }

    List<Instruction> instructions() {
        return instructions;
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
        List<Instruction> found = all(keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The base image of the (single) stage, with {@code ARG} defaults declared before it substituted. */
    String baseImage() {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("ARG")) {
                String[] kv = i.args().split("=", 2);
                args.put(kv[0].strip(), kv.length > 1 ? unquote(kv[1].strip()) : "");
            } else if (i.keyword().equals("FROM")) {
                String image = i.args().split("\\s+")[0];
                for (Map.Entry<String, String> a : args.entrySet()) {
                    image = image.replace("${" + a.getKey() + "}", a.getValue()).replace("$" + a.getKey(), a.getValue());
                }
                return image;
            }
        }
        throw new AssertionError(file + " has no FROM");
    }

    /** UID of the last {@code USER}, which must be numeric. */
    long uid() {
        String user = last("USER").orElseThrow(() -> new AssertionError(file + " has no USER")).args();
        String uid = user.split(":", 2)[0];
        if (!uid.matches("\\d+")) {
            throw new AssertionError(file + ": USER " + user + " is not numeric; Kubernetes cannot verify runAsNonRoot for a name");
        }
        return Long.parseLong(uid);
    }

    String workdir() {
        return last("WORKDIR").orElseThrow(() -> new AssertionError(file + " has no WORKDIR")).args();
    }

    /** Every variable set by {@code ENV}, in order, later values winning. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : all("ENV")) {
            env.putAll(keyValues(i.args()));
        }
        return env;
    }

    String javaOpts() {
        String opts = env().get("JAVA_OPTS");
        if (opts == null) {
            throw new AssertionError(file + " sets no JAVA_OPTS");
        }
        return opts;
    }

    List<String> exposedPorts() {
        List<String> ports = new ArrayList<>();
        for (Instruction i : all("EXPOSE")) {
            for (String p : i.args().split("\\s+")) {
                ports.add(p.replaceAll("/tcp$", ""));
            }
        }
        return ports;
    }

    List<Copy> copies() {
        List<Copy> copies = new ArrayList<>();
        for (Instruction i : all("COPY")) {
            List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
            Map<String, String> flags = new LinkedHashMap<>();
            while (!words.isEmpty() && words.get(0).startsWith("--")) {
                String[] kv = words.remove(0).substring(2).split("=", 2);
                flags.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            if (words.size() < 2) {
                throw new AssertionError(file + ":" + i.line() + ": COPY needs a source and a destination");
            }
            copies.add(new Copy(flags, List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1)));
        }
        return copies;
    }

    /** The {@code ENTRYPOINT}, which must be in exec (JSON) form. */
    List<String> entrypoint() {
        String args = last("ENTRYPOINT").orElseThrow(() -> new AssertionError(file + " has no ENTRYPOINT")).args();
        if (!args.startsWith("[")) {
            throw new AssertionError(file + ": ENTRYPOINT must use the exec (JSON) form, so signals reach the JVM: " + args);
        }
        try {
            return JSON.readValue(args, new TypeReference<List<String>>() {
            });
        } catch (IOException e) {
            throw new AssertionError(file + ": ENTRYPOINT is not a JSON array: " + args, e);
        }
    }

    /** {@code KEY=value KEY2="value with spaces"} as a map (the legacy {@code ENV KEY value} form too). */
    static Map<String, String> keyValues(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!args.contains("=") || args.indexOf(' ') >= 0 && args.indexOf(' ') < args.indexOf('=')) {
            int sp = args.indexOf(' ');
            out.put(args.substring(0, sp), args.substring(sp + 1).strip());
            return out;
        }
        int i = 0;
        while (i < args.length()) {
            while (i < args.length() && Character.isWhitespace(args.charAt(i))) {
                i++;
            }
            int eq = args.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = args.substring(i, eq);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            char quote = 0;
            while (i < args.length()) {
                char c = args.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else if (c == '\\' && quote == '"' && i + 1 < args.length()) {
                        value.append(args.charAt(++i));
                    } else {
                        value.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (Character.isWhitespace(c)) {
                    break;
                } else {
                    value.append(c);
                }
                i++;
            }
            out.put(key, value.toString());
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
