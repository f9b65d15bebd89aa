package io.stsbroker.injection;

import io.stsbroker.audit.LogText;

/**
 * Admission warnings, which {@code kubectl} prints to whoever created the object. The API server
 * refuses warnings with control characters and may cut them beyond 256 characters, so every value
 * a pod author wrote is escaped ({@link LogText#escape}) and long ones are cut.
 */
final class Warnings {

    static final String PREFIX = "sts-broker: ";
    private static final int MAX_VALUE = 64;

    private Warnings() {
    }

    static String invalidAnnotation(String annotation, String value, String expected, String fallback) {
        return PREFIX + "annotation " + annotation + "=" + quote(value) + " is not " + expected + "; using " + fallback;
    }

    /** A caller-written value, escaped, cut to {@value #MAX_VALUE} characters and quoted. */
    static String quote(String value) {
        String escaped = LogText.escape(value);
        return "\"" + (escaped.length() > MAX_VALUE ? escaped.substring(0, MAX_VALUE) + "..." : escaped) + "\"";
    }
}
