package io.stsbroker.client;

import io.stsbroker.client.internal.Redact;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Validates the broker's base URL and normalises it to end in {@code /}, so request paths
 * resolve below any path prefix (e.g. {@code https://gw.example/sts-broker/}).
 */
final class BrokerUrl {
    private BrokerUrl() {
    }

    static URI parse(String text, String source) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw invalid(text, source, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(text, source, "it must start with https:// or http://");
        }
        if (uri.getHost() == null) {
            throw invalid(text, source, "it has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            // User info would leak into logs; a query or fragment cannot be combined with request paths.
            throw invalid(text, source, "it must not contain user info, a query or a fragment");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Whether requests to {@code url} travel in clear text beyond this machine. */
    static boolean cleartextOffHost(URI url) {
        if (!url.getScheme().equals("http")) {
            return false;
        }
        String host = url.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return false;
        }
        try {
            // Only literal addresses are checked; a host name is not resolved just for a warning.
            return !(host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]") && InetAddress.getByName(host).isLoopbackAddress());
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    private static BrokerConfigurationException invalid(String text, String source, String why) {
        return new BrokerConfigurationException("The broker URL from " + source + " ('" + Redact.userInfo(text)
                + "') is not usable: " + why + ". Example: https://sts-broker.example.com");
    }
}
