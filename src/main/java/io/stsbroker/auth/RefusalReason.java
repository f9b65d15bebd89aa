package io.stsbroker.auth;

/**
 * Why an authentication was refused: the bounded set named in logs and in the {@code reason} tag of
 * {@code broker_auth_failures_total}. The caller never sees it (its 401 body is the same for all).
 */
public enum RefusalReason {
    /** No bearer token (no {@code Authorization} header, another scheme, or an empty token). */
    MISSING("missing"),
    /** Not a well-formed token: not base64url, several {@code Authorization} headers, unparseable JWT or claims. */
    MALFORMED("malformed"),
    /** Longer than {@code broker.auth.max-token-length}; refused unread. */
    TOO_LONG("too-long"),
    /** The signature does not verify, or its algorithm is not one the key allows. */
    BAD_SIGNATURE("bad-signature"),
    /** No trusted key matches the token ({@code kid} unknown, or no key configured). */
    UNKNOWN_KEY("unknown-key"),
    /** {@code exp} has passed (beyond {@code broker.auth.expiry-skew}), or the token has no {@code exp}. */
    EXPIRED("expired"),
    /** {@code nbf} or {@code iat} lies in the future beyond {@code broker.auth.issued-at-skew}. */
    NOT_YET_VALID("not-yet-valid"),
    WRONG_ISSUER("wrong-issuer"),
    WRONG_AUDIENCE("wrong-audience"),
    /** A verified JWT without a usable {@code sub} (absent, blank, longer than 512 characters). */
    NO_SUBJECT("no-subject"),
    /** A verified JWT whose {@code sub} claims an API-key identity ({@code apikey:...}). */
    RESERVED_SUBJECT("reserved-subject"),
    /** An opaque bearer token that matches no configured API key. */
    UNKNOWN_API_KEY("unknown-api-key"),
    /** The client address is over {@code broker.auth.max-failures-per-minute} (429, token not read). */
    THROTTLED("throttled"),
    /** Anything else the framework refused. */
    OTHER("other");

    private final String tag;

    RefusalReason(String tag) {
        this.tag = tag;
    }

    /** The name used in logs and metrics. */
    public String tag() {
        return tag;
    }
}
