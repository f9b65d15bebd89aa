package io.stsbroker.client.sidecar;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@code Host} header values the sidecar answers: a page loaded from another origin (DNS
 * rebinding) sends its own name and is refused, whatever address the sidecar listens on.
 *
 * <p>Always allowed when the sidecar listens on loopback or on every address ({@code 0.0.0.0},
 * {@code ::}): {@code localhost} and loopback literals. When it listens on one other address: that
 * address's literal. In every case: the names and literals given with {@code --allowed-host}. The
 * port in the header is not checked (a rebinding page uses the same port anyway).
 */
final class HostPolicy {
    /** Host header: a name or IPv4 literal, or a bracketed IPv6 literal, then an optional port. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+)(:\\d{1,5})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");

    private final boolean loopback;
    private final Set<String> allowed;

    private HostPolicy(boolean loopback, Set<String> allowed) {
        this.loopback = loopback;
        this.allowed = allowed;
    }

    /** The policy for a sidecar bound to {@code bind}, with the operator's extra {@code allowedHosts}. */
    static HostPolicy forBind(InetAddress bind, Set<String> allowedHosts) {
        Set<String> allowed = new TreeSet<>();
        for (String host : allowedHosts) {
            allowed.add(normalise(host));
        }
        boolean loopback = bind.isLoopbackAddress() || bind.isAnyLocalAddress();
        if (!loopback) {
            allowed.add(normalise(literal(bind)));
        }
        return new HostPolicy(loopback, Set.copyOf(allowed));
    }

    /** Whether {@code text} may be given with {@code --allowed-host}: a DNS name or an IP literal. */
    static boolean validAllowedHost(String text) {
        if (text.length() > 253 || text.isEmpty()) {
            return false;
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            return ipLiteral(text.substring(1, text.length() - 1)) != null;
        }
        return NAME.matcher(text).matches() || ipLiteral(text) != null;
    }

    /** Whether a request whose Host header is {@code hostHeader} may be answered. */
    boolean allows(String hostHeader) {
        String host = hostOf(hostHeader);
        if (host == null) {
            return false;
        }
        if (allowed.contains(host)) {
            return true;
        }
        if (!loopback) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        InetAddress address = ipLiteral(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        return address != null && address.isLoopbackAddress();
    }

    /** The host part of a Host header value, lower-cased and without port; null if it is not one. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        Matcher matcher = HOST.matcher(hostHeader.strip());
        return matcher.matches() ? normalise(matcher.group(1)) : null;
    }

    private static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        String bare = lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
        if (bare.contains(":")) {
            InetAddress address = ipLiteral(bare);
            // IPv6 literals have many spellings; compare one.
            return address == null ? lower : "[" + address.getHostAddress() + "]";
        }
        return lower;
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        text = zone >= 0 ? text.substring(0, zone) : text;
        return text.contains(":") ? "[" + text + "]" : text;
    }

    /** The address of an IPv4 or IPv6 literal; never asks DNS. Null for anything else. */
    private static InetAddress ipLiteral(String text) {
        if (!text.matches("(\\d{1,3}\\.){3}\\d{1,3}") && !text.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
