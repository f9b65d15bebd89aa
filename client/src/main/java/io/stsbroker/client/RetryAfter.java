package io.stsbroker.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses an HTTP {@code Retry-After} value (RFC 9110 section 10.2.3): whole seconds, which the
 * broker sends, or an HTTP-date, which proxies in front of it may send.
 */
public final class RetryAfter {
    /** Longer waits than a day are treated as a day: the value only ever caps a retry loop. */
    private static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    /**
     * Returns how long to wait, measured from {@code now} for an HTTP-date; empty if the header is
     * absent or unparseable, zero for a date in the past.
     */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Very long digit strings overflow a long; they mean "a long time".
            if (text.length() > 9) {
                return Optional.of(MAX);
            }
            return Optional.of(min(Duration.ofSeconds(Long.parseLong(text))));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration wait) {
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
