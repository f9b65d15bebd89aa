package io.stsbroker.sts;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.sts.embedded.EmbeddedStsServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code broker.sts.provider=alibaba} the producer yields the real-STS client and the embedded
 * STS stays down. No call is made: the default chain would reach for the ECS metadata service. The
 * identity is named ({@code default-chain}) because the default, RRSA, needs variables a test JVM
 * does not have (its start-up check is proven in {@code SigningIdentitiesTest} and {@code PackagedStartupIT}).
 */
@QuarkusTest
@TestProfile(StsClientProducerAlibabaTest.AlibabaProvider.class)
class StsClientProducerAlibabaTest {

    public static class AlibabaProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.sts.provider", "alibaba",
                    "broker.sts.endpoint", "https://sts-vpc.cn-hangzhou.aliyuncs.com",
                    "broker.sts.identity", "default-chain");
        }
    }

    @Inject
    StsClient stsClient;
    @Inject
    EmbeddedStsServer embedded;

    @Test
    void theAlibabaProviderYieldsAReadyClientOnTheConfiguredEndpointAndNoEmbeddedSts() {
        assertThat(stsClient.providerName()).isEqualTo("alibaba");
        assertThat(stsClient.ready()).isTrue();
        assertThat(stsClient.toString()).contains("https://sts-vpc.cn-hangzhou.aliyuncs.com:443");
        assertThat(embedded.isRunning()).isFalse();
    }
}
