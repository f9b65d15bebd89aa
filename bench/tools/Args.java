import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of every benchmark tool: {@code --name value} pairs, in any order; a name given
 * twice keeps every value ({@link #all}), the single-value getters take the last. Anything else (a
 * bare word, an option without its value) stops the tool with a message naming the tool and the
 * argument, so bench/run.sh fails at the call that is wrong.
 */
final class Args {

    private final String tool;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Args(String tool) {
        this.tool = tool;
    }

    static Args parse(String tool, String[] argv) {
        Args a = new Args(tool);
        for (int i = 0; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || argv[i].length() == 2) {
                throw a.fail("expected --option value, got " + argv[i]);
            }
            if (i + 1 >= argv.length) {
                throw a.fail(argv[i] + " needs a value");
            }
            a.values.computeIfAbsent(argv[i].substring(2), k -> new ArrayList<>()).add(argv[i + 1]);
        }
        return a;
    }

    /** Fails on any option not named here: for tools whose options are few and fixed. */
    Args only(String... names) {
        List<String> known = List.of(names);
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw fail("unknown option --" + name);
            }
        }
        return this;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of {@code --name}, or null when it was not given. */
    String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    String get(String name, String otherwise) {
        String v = get(name);
        return v == null ? otherwise : v;
    }

    String require(String name) {
        String v = get(name);
        if (v == null) {
            throw fail("--" + name + " is required");
        }
        return v;
    }

    /** Every value of a repeatable option, in the order given. */
    List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    int integer(String name, int otherwise) {
        return has(name) ? integer(name) : otherwise;
    }

    int integer(String name) {
        String v = require(name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw fail("--" + name + " must be a whole number, got " + v);
        }
    }

    long longValue(String name) {
        String v = require(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw fail("--" + name + " must be a whole number, got " + v);
        }
    }

    double decimal(String name, double otherwise) {
        if (!has(name)) {
            return otherwise;
        }
        String v = get(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw fail("--" + name + " must be a number, got " + v);
        }
    }

    Path path(String name) {
        return Path.of(require(name));
    }

    /** The path of {@code --name}, or null when it was not given (outputs that are optional). */
    Path optionalPath(String name) {
        return has(name) ? Path.of(get(name)) : null;
    }

    IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(tool + ": " + message);
    }
}
