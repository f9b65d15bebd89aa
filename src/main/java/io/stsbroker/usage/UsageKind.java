package io.stsbroker.usage;

/** What is counted per caller identity. */
public enum UsageKind {
    /** A credential request answered 200. */
    SERVED,
    /** An AssumeRole call made for the caller's credentials (a mint, or a background refresh of one). */
    ASSUME_ROLE,
    /** A credential request refused with 429 (the caller's rate, mint or variant limits). */
    THROTTLED,
    /** A credential request refused with 403 (no grant for the role). */
    FORBIDDEN
}
