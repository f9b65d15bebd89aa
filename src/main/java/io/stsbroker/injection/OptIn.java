package io.stsbroker.injection;

/**
 * The labels and annotations a pod uses to opt in and to tune its sidecar. The labels are what the
 * webhook configuration's selectors match (the API server selects on labels only); the
 * annotations carry values a selector never needs.
 */
public final class OptIn {

    /** Namespace label ({@code enabled}) and pod label ({@code "true"}) that select a pod for injection. */
    public static final String INJECT_LABEL = "sts-broker.io/inject";
    /** The value of {@link #INJECT_LABEL} on a pod that asks for injection. */
    public static final String POD_OPT_IN = "true";
    /** The role the sidecar asks for. Required on an opted-in pod. */
    public static final String ROLE = "sts-broker.io/role";
    /** Optional: the sidecar's loopback port (1024-65535). */
    public static final String PORT = "sts-broker.io/port";
    /** Optional: another sidecar image. */
    public static final String IMAGE = "sts-broker.io/image";
    /** Optional: the sidecar's CPU limit (e.g. {@code 500m}, at least 100m). */
    public static final String CPU_LIMIT = "sts-broker.io/cpu-limit";
    /** Optional: the sidecar's memory limit (e.g. {@code 128Mi}, 64Mi to 1Gi). */
    public static final String MEMORY_LIMIT = "sts-broker.io/memory-limit";

    private OptIn() {
    }
}
