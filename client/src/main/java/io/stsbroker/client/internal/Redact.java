package io.stsbroker.client.internal;

import java.util.regex.Pattern;

/**
 * Masks the user-info part of a URL ({@code https://user:password@host} becomes
 * {@code https://***@host}) so a rejected URL can be quoted in a message without leaking a password.
 */
public final class Redact {
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#]*@");

    private Redact() {
    }

    public static String userInfo(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceAll("***@");
    }
}
