package io.stsbroker.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Counts per caller over {@code [from, to)}, busiest first (by requests served).
 *
 * @param scope      whose requests are counted: {@code replica} (this process only)
 * @param maxCallers the most identities tracked at once; beyond it the least active are dropped
 */
public record UsageReport(String scope, Instant from, Instant to, Duration window, int maxCallers,
                          List<CallerUsage> callers) {
}
