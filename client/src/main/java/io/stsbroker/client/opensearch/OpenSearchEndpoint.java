package io.stsbroker.client.opensearch;

import io.stsbroker.client.internal.Redact;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The base URL an OpenSearch SDK client sends requests to, e.g.
 * {@code http://opensearch-cn-hangzhou.aliyuncs.com}.
 *
 * @param url scheme and authority only (no path, query or user info), as {@code new OpenSearch(.., host)} takes it
 */
public record OpenSearchEndpoint(String url) {
    /**
     * Alibaba Cloud region ids: lower-case words joined by hyphens, e.g. {@code cn-hangzhou},
     * {@code ap-southeast-1}, {@code cn-shanghai-finance-1}. Anything else could change the host name.
     */
    private static final Pattern REGION_ID = Pattern.compile("[a-z]{2,}(-[a-z0-9]+){1,4}");
    private static final int MAX_REGION_LENGTH = 50;

    public OpenSearchEndpoint {
        Objects.requireNonNull(url, "url");
    }

    /**
     * The public endpoint of {@code regionId}: {@code http://opensearch-<regionId>.aliyuncs.com},
     * the form the OpenSearch documentation shows.
     *
     * @throws IllegalArgumentException if {@code regionId} is not a region id such as {@code cn-hangzhou}
     */
    public static OpenSearchEndpoint forRegion(String regionId) {
        if (regionId == null || regionId.length() > MAX_REGION_LENGTH || !REGION_ID.matcher(regionId).matches()) {
            throw new IllegalArgumentException("Not an Alibaba Cloud region id: '" + regionId
                    + "'. Expected lower-case words joined by hyphens, e.g. cn-hangzhou, cn-shanghai, cn-beijing.");
        }
        return new OpenSearchEndpoint("http://opensearch-" + regionId + ".aliyuncs.com");
    }

    /**
     * An explicit endpoint such as {@code https://opensearch-cn-hangzhou.aliyuncs.com} or
     * {@code http://127.0.0.1:8080}; a trailing slash is dropped.
     *
     * @throws IllegalArgumentException if it is not an http(s) URL with a host and nothing after it
     */
    public static OpenSearchEndpoint of(String endpoint) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(endpoint, "endpoint").strip());
        } catch (URISyntaxException e) {
            throw invalid(endpoint, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid(endpoint, "it must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw invalid(endpoint, "it has no host");
        }
        String path = uri.getRawPath();
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (path != null && !path.isEmpty() && !path.equals("/"))) {
            // The SDK appends /v3/openapi/... itself; anything else here would break request signing.
            throw invalid(endpoint, "it must be scheme://host[:port] only");
        }
        return new OpenSearchEndpoint(scheme + "://" + uri.getRawAuthority());
    }

    private static IllegalArgumentException invalid(String endpoint, String why) {
        return new IllegalArgumentException("Not an OpenSearch endpoint: '" + Redact.userInfo(endpoint) + "': " + why
                + ". Example: http://opensearch-cn-hangzhou.aliyuncs.com");
    }

    @Override
    public String toString() {
        return url;
    }
}
