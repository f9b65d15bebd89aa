package io.stsbroker.client.opensearch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSearchEndpointTest {

    @ParameterizedTest
    @CsvSource({
            "cn-hangzhou, http://opensearch-cn-hangzhou.aliyuncs.com",
            "cn-shanghai, http://opensearch-cn-shanghai.aliyuncs.com",
            "cn-beijing, http://opensearch-cn-beijing.aliyuncs.com",
            "ap-southeast-1, http://opensearch-ap-southeast-1.aliyuncs.com",
            "cn-shanghai-finance-1, http://opensearch-cn-shanghai-finance-1.aliyuncs.com",
            "us-west-1, http://opensearch-us-west-1.aliyuncs.com"})
    void forRegionMapsAnyRegionIdToItsDocumentedEndpoint(String region, String endpoint) {
        assertThat(OpenSearchEndpoint.forRegion(region).url()).isEqualTo(endpoint);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"CN-HANGZHOU", "cn_hangzhou", "hangzhou", "cn-hangzhou.evil.com", "cn-hangzhou/x",
            "cn-hangzhou:80", "cn-hangzhou ", " cn-hangzhou", "cn--hangzhou", "cn-", "-cn-hangzhou", "cn-hangzhou@x",
            "c-hangzhou", "cn-a-b-c-d-e"})
    void forRegionRejectsAnythingThatIsNotARegionId(String region) {
        assertThatThrownBy(() -> OpenSearchEndpoint.forRegion(region))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not an Alibaba Cloud region id")
                .hasMessageContaining("cn-hangzhou");
    }

    @Test
    void forRegionRejectsOverlongRegionIds() {
        assertThatThrownBy(() -> OpenSearchEndpoint.forRegion("cn-" + "a".repeat(60)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "https://opensearch-cn-hangzhou.aliyuncs.com, https://opensearch-cn-hangzhou.aliyuncs.com",
            "http://127.0.0.1:8080/, http://127.0.0.1:8080",
            "HTTP://example.com, http://example.com"})
    void ofAcceptsSchemeHostAndPortOnly(String given, String expected) {
        assertThat(OpenSearchEndpoint.of(given).url()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"opensearch-cn-hangzhou.aliyuncs.com", "ftp://example.com", "http://example.com/v3",
            "http://user:pw@example.com", "http://example.com?x=1", "http:///nohost", "not a url"})
    void ofRejectsEndpointsTheSdkCannotSignFor(String endpoint) {
        assertThatThrownBy(() -> OpenSearchEndpoint.of(endpoint))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not an OpenSearch endpoint");
    }

    @Test
    void ofRejectingAUrlWithAPasswordDoesNotQuoteThePassword() {
        assertThatThrownBy(() -> OpenSearchEndpoint.of("http://admin:hunter2@example.com"))
                .hasMessageNotContaining("hunter2");
    }
}
