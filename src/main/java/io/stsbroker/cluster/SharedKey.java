package io.stsbroker.cluster;

/**
 * The HMAC tags of one cache key: of the whole key (its entry and lock), of the caller identity and
 * of the role ARN (the invalidation indexes and messages). Redis sees only these.
 */
record SharedKey(String tag, String identityTag, String roleTag) {

    static SharedKey of(KeyNames names, String roleArn, String identity, long durationSeconds, String policy,
                        String externalId) {
        return new SharedKey(names.tag("credential", roleArn, identity, Long.toString(durationSeconds), policy, externalId),
                names.tag("identity", identity), names.tag("role", roleArn));
    }
}
