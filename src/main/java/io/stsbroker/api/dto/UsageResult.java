package io.stsbroker.api.dto;

import io.stsbroker.usage.CallerUsage;
import io.stsbroker.usage.UsageReport;

import java.util.List;

/**
 * Answer of {@code GET /v1/admin/usage}: per caller identity, busiest first, over {@code [from, to)}.
 *
 * @param scope {@code replica}: only the requests this replica answered
 */
public record UsageResult(String scope, String from, String to, long windowSeconds, int maxCallers,
                          List<CallerUsage> callers) {

    public static UsageResult of(UsageReport r) {
        return new UsageResult(r.scope(), Timestamps.seconds(r.from()), Timestamps.seconds(r.to()),
                r.window().toSeconds(), r.maxCallers(), r.callers());
    }
}
