package io.stsbroker.client.sidecar;

import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.internal.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The texts the one-shot commands print: environment variables, shell lines and JSON. One credential in,
 * one text out; nothing here talks to the broker.
 */
final class CredentialOutput {
    static final String ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    static final String ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    static final String SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN";

    private CredentialOutput() {
    }

    /** The variables the Alibaba Cloud SDKs' default credential chains read from the environment, in order. */
    static Map<String, String> environment(TemporaryCredentials c) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ACCESS_KEY_ID, c.accessKeyId());
        env.put(ACCESS_KEY_SECRET, c.accessKeySecret());
        env.put(SECURITY_TOKEN, c.securityToken());
        return env;
    }

    /** POSIX shell lines for {@code eval}, each value single-quoted. */
    static String exportLines(TemporaryCredentials c) {
        StringBuilder out = new StringBuilder("# sts-broker credentials, expire at ").append(c.expiration()).append('\n');
        environment(c).forEach((name, value) -> out.append("export ").append(name).append('=')
                .append(shellQuote(value)).append('\n'));
        return out.toString();
    }

    /** The broker's own field names, for scripts that read JSON. */
    static String json(TemporaryCredentials c) {
        return "{\"accessKeyId\":" + Json.quote(c.accessKeyId())
                + ",\"accessKeySecret\":" + Json.quote(c.accessKeySecret())
                + ",\"securityToken\":" + Json.quote(c.securityToken())
                + ",\"expiration\":" + Json.quote(c.expiration().toString()) + "}\n";
    }

    /**
     * What the Alibaba Cloud CLI's External mode reads from its {@code process_command}'s stdout.
     * The CLI unmarshals it into its profile, whose JSON fields are {@code mode},
     * {@code access_key_id}, {@code access_key_secret} and {@code sts_token}, and with mode
     * {@code StsToken} uses those three as an STS credential; see {@code Profile} and
     * {@code GetCredential} (case {@code External}) in
     * https://github.com/aliyun/aliyun-cli/blob/master/config/profile.go. {@code expiration}
     * (RFC 3339, UTC) is the field other External-mode readers use to know when to ask again.
     */
    static String process(TemporaryCredentials c) {
        return "{\"mode\":\"StsToken\""
                + ",\"access_key_id\":" + Json.quote(c.accessKeyId())
                + ",\"access_key_secret\":" + Json.quote(c.accessKeySecret())
                + ",\"sts_token\":" + Json.quote(c.securityToken())
                + ",\"expiration\":" + Json.quote(c.expiration().toString()) + "}\n";
    }

    /** {@code value} in single quotes, each {@code '} written as {@code '\''}: nothing inside is expanded. */
    static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
