package io.stsbroker.testing;

/**
 * Seeds of the randomised tests: a fixed default, so every run of the suite draws the same inputs
 * and a failure repeats, overridable with {@code -Dtest.seed=<n>} to explore others; printed by
 * the test that uses it and part of its failure messages.
 */
public final class Seeds {

    /** The default seed of every randomised test. */
    public static final long DEFAULT = 20261201L;

    private Seeds() {
    }

    /** {@code -Dtest.seed}, else {@link #DEFAULT}; prints which, naming the test. */
    public static long of(String test) {
        long seed = Long.getLong("test.seed", DEFAULT);
        System.out.printf("%s seed=%d (rerun with -Dtest.seed=%d)%n", test, seed, seed);
        return seed;
    }
}
