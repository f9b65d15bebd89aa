package io.stsbroker.policy;

import java.util.regex.Pattern;

/**
 * A caller-identity pattern from a role's {@code allow} list: matches an identity exactly, except
 * that each {@code *} matches any run (possibly empty) of characters other than {@code :}.
 *
 * <p>Because {@code *} never crosses a {@code :}, {@code system:serviceaccount:search:*} admits
 * every service account of namespace {@code search} and nothing in any other namespace.
 */
public record IdentityPattern(String source, Pattern regex) {

    public static IdentityPattern of(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("identity pattern must not be blank");
        }
        StringBuilder re = new StringBuilder();
        for (String part : source.split("\\*", -1)) {
            re.append(Pattern.quote(part)).append("[^:]*");
        }
        re.setLength(re.length() - "[^:]*".length());
        return new IdentityPattern(source, Pattern.compile(re.toString()));
    }

    public boolean matches(String identity) {
        return regex.matcher(identity).matches();
    }

    @Override
    public String toString() {
        return source;
    }
}
