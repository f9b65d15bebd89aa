package io.stsbroker.auth;

import io.stsbroker.config.BrokerConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Just enough of a Vert.x request for unit tests of the authentication steps (no server). */
final class FakeRequests {

    private FakeRequests() {
    }

    /** A routing context for a request from {@code address} with these headers (name, value, name, value...). */
    static RoutingContext from(String address, String... headers) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        SocketAddress peer = SocketAddress.inetSocketAddress(40000, address);
        HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(FakeRequests.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "headers" -> h;
                    case "getHeader" -> h.get(args[0].toString());
                    case "remoteAddress" -> peer;
                    case "toString" -> "FakeRequest" + h;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Map<String, Object> data = new HashMap<>();
        return (RoutingContext) Proxy.newProxyInstance(FakeRequests.class.getClassLoader(),
                new Class<?>[] {RoutingContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "request" -> request;
                    case "get" -> data.get((String) args[0]);
                    case "put" -> {
                        data.put((String) args[0], args[1]);
                        yield proxy;
                    }
                    case "toString" -> "FakeRoutingContext";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** {@code broker.*} with these properties on top of the required ones. */
    static BrokerConfig config(String... properties) {
        return io.stsbroker.testing.TestConfigs.broker(properties);
    }
}
