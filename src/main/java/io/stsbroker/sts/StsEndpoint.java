package io.stsbroker.sts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where AssumeRole is sent, parsed from a base URL such as {@code https://sts.aliyuncs.com},
 * {@code https://sts-vpc.cn-hangzhou.aliyuncs.com} or {@code http://127.0.0.1:8090}.
 *
 * @param https true for TLS (JVM trust store, host name verified)
 * @param host  host name or IP literal, without brackets
 * @param port  explicit port, or 443/80 by scheme
 */
public record StsEndpoint(boolean https, String host, int port) {

    public StsEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("STS endpoint host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("STS endpoint port out of range: " + port);
        }
    }

    /**
     * Parses a base URL: scheme {@code http} or {@code https}, a host, an optional port, and no path
     * (other than {@code /}), query, fragment or user info.
     *
     * @throws IllegalArgumentException naming the bad value, which is configuration and not secret
     */
    public static StsEndpoint parse(String baseUrl) {
        URI uri;
        try {
            uri = new URI(baseUrl == null ? "" : baseUrl.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker.sts.endpoint is not a URL: '" + baseUrl + "'", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("broker.sts.endpoint must start with https:// or http://: '" + baseUrl + "'");
        }
        String host = uri.getHost();
        boolean extra = uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"));
        if (host == null || extra) {
            throw new IllegalArgumentException("broker.sts.endpoint must be a base URL like https://sts.aliyuncs.com"
                    + " (a host, an optional port, nothing else): '" + baseUrl + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean https = scheme.equals("https");
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        return new StsEndpoint(https, host, port);
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (https ? "https://" : "http://") + h + ":" + port;
    }
}
