package io.stsbroker.testing;

/** The plain API keys whose SHA-256 digests application-test.yml configures. */
public final class TestKeys {

    public static final String REPORTING = "test-key-reporting";
    public static final String OPS = "test-key-ops";
    public static final String NOBODY = "test-key-nobody";
    public static final String ROTATED_OLD = "test-key-rotated-old";
    public static final String ROTATED_NEW = "test-key-rotated-new";

    private TestKeys() {
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
