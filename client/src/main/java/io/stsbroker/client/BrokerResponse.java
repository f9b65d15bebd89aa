package io.stsbroker.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response from the broker as this client saw it: status, headers and body text.
 *
 * @param status  the HTTP status code
 * @param headers header values by name; names are matched case-insensitively by {@link #header}
 * @param body    the body decoded as UTF-8, possibly empty, never {@code null}
 */
public record BrokerResponse(int status, Map<String, List<String>> headers, String body) {

    public BrokerResponse {
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        body = body == null ? "" : body;
    }

    /** The first value of header {@code name}, matched case-insensitively. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }

    /** Whether the status is 2xx. */
    public boolean successful() {
        return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
        // The body of a successful credentials response holds secrets; never print bodies.
        return "BrokerResponse[status=" + status + ", bodyLength=" + body.length() + "]";
    }
}
