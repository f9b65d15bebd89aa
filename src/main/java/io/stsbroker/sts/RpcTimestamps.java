package io.stsbroker.sts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The one date format of the STS wire protocol, {@code yyyy-MM-dd'T'HH:mm:ss'Z'} in UTC, used by the
 * request {@code Timestamp} and the credentials' {@code Expiration}. credentials-java parses it
 * strictly, so fractional seconds or offsets other than {@code Z} must never be produced.
 */
public final class RpcTimestamps {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);

    private RpcTimestamps() {
    }

    /** {@code instant} truncated to whole seconds, e.g. {@code 2026-11-27T12:00:00Z}. */
    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The instant of a strictly formatted value, or empty for anything else (no fractions, no offsets). */
    public static Optional<Instant> parse(String value) {
        if (value == null || value.length() != 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(FORMAT.parse(value)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
