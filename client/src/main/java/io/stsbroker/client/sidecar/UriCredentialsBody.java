package io.stsbroker.client.sidecar;

import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.internal.Json;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Writes the credentials-java URI provider's body:
 * {@code {"Code":"Success","AccessKeyId":..,"AccessKeySecret":..,"SecurityToken":..,"Expiration":"yyyy-MM-ddTHH:mm:ssZ"}}.
 *
 * <p><b>Note:</b> credentials-java parses {@code Expiration} strictly as
 * {@code yyyy-MM-dd'T'HH:mm:ss'Z'}; fractions of a second would make it fail, so they are cut
 * (rounding down errs on the safe side).
 */
final class UriCredentialsBody {
    static final DateTimeFormatter EXPIRATION =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private UriCredentialsBody() {
    }

    static String success(TemporaryCredentials credentials) {
        return "{\"Code\":\"Success\""
                + ",\"AccessKeyId\":" + Json.quote(credentials.accessKeyId())
                + ",\"AccessKeySecret\":" + Json.quote(credentials.accessKeySecret())
                + ",\"SecurityToken\":" + Json.quote(credentials.securityToken())
                + ",\"Expiration\":" + Json.quote(EXPIRATION.format(credentials.expiration().truncatedTo(ChronoUnit.SECONDS)))
                + "}";
    }

    /** An error body; credentials-java fails on the non-2xx status, this text is for people reading it. */
    static String error(String code, String message) {
        return "{\"Code\":" + Json.quote(code) + ",\"Message\":" + Json.quote(message) + "}";
    }
}
