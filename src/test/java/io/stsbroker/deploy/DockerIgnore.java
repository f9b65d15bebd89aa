package io.stsbroker.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore} semantics as BuildKit applies them: patterns are matched against the path
 * and each of its parent directories, {@code *} and {@code ?} do not cross {@code /}, {@code **}
 * does, a leading {@code !} re-includes, and the last matching pattern decides.
 */
final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exclude) {
    }

    private final List<Rule> rules = new ArrayList<>();

    DockerIgnore(String text) {
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exclude = !line.startsWith("!");
            String glob = exclude ? line : line.substring(1).strip();
            glob = glob.replaceAll("^/+", "").replaceAll("/+$", "");
            rules.add(new Rule(Pattern.compile(toRegex(glob)), exclude));
        }
    }

    /** Whether {@code path} (relative to the context root, {@code /}-separated) is left out of the build context. */
    boolean excludes(String path) {
        boolean excluded = false;
        for (Rule r : rules) {
            if (matchesOrParentMatches(r.pattern(), path)) {
                excluded = r.exclude();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParentMatches(Pattern p, String path) {
        String current = path;
        while (true) {
            if (p.matcher(current).matches()) {
                return true;
            }
            int slash = current.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            current = current.substring(0, slash);
        }
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                        i++;
                        re.append("(?:.*/)?");
                    } else {
                        re.append(".*");
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i);
                if (end < 0) {
                    re.append("\\[");
                } else {
                    re.append('[').append(glob, i + 1, end).append(']');
                    i = end;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
