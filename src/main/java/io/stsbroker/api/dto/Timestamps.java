package io.stsbroker.api.dto;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** {@code yyyy-MM-dd'T'HH:mm:ss'Z'} in UTC: the only form credentials-java accepts. */
final class Timestamps {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private Timestamps() {
    }

    static String seconds(Instant t) {
        return FORMAT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
