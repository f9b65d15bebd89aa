package io.stsbroker.vending;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code broker_credentials_remaining_seconds} has buckets at {@code broker.cache.min-remaining} and
 * 5 minutes above it, whatever the floor is configured to: the alert on credentials handed out
 * close to the floor (k8s/monitoring) reads the second one.
 */
class RemainingLifetimeBucketsTest {

    private static double[] buckets(BrokerConfig config) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        UpstreamFetcher fetcher = new UpstreamFetcher(new UpstreamFetcherTest.ScriptedSts(n -> Uni.createFrom().nothing()), config, meters);
        new CredentialVendor(new MutableClock(), fetcher, new AuditLog(new MutableClock()), config, meters);
        DistributionSummary remaining = meters.get("broker.credentials.remaining").summary();
        return Arrays.stream(remaining.takeSnapshot().histogramCounts()).mapToDouble(CountAtBucket::bucket).toArray();
    }

    @Test
    void defaultFloorGetsBucketsAtTwentyAndTwentyFiveMinutes() {
        assertThat(buckets(TestConfigs.broker())).contains(1200, 1500).isSorted();
    }

    @Test
    void bucketsFollowAConfiguredFloor() {
        double[] b = buckets(TestConfigs.broker("broker.cache.min-remaining", "10m", "broker.cache.refresh-ahead", "15m"));

        assertThat(b).contains(600, 900).doesNotContain(1200, 1500).isSorted();
    }

    @Test
    void aFloorOnAFixedBucketIsNotListedTwice() {
        double[] b = buckets(TestConfigs.broker("broker.cache.min-remaining", "25m"));

        assertThat(b).containsOnlyOnce(1500, 1800).isSorted();
    }
}
