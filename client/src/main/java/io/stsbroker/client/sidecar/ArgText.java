package io.stsbroker.client.sidecar;

/** Command-line words as the sidecar's commands read and echo them. */
final class ArgText {

    private ArgText() {
    }

    /** An option word split at its first {@code =} ({@code --name=value}); value null when there is none. */
    record Option(String name, String value) {
        static Option of(String arg) {
            int eq = arg.indexOf('=');
            return arg.startsWith("--") && eq > 0
                    ? new Option(arg.substring(0, eq), arg.substring(eq + 1))
                    : new Option(arg, null);
        }
    }

    /** {@code text} cut to {@code max} characters (plus "...") with control characters as {@code ?}, for an error message. */
    static String printable(String text, int max) {
        String shown = text.length() > max ? text.substring(0, max) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
