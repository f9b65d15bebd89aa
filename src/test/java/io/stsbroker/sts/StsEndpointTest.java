package io.stsbroker.sts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StsEndpointTest {

    @Test
    void httpsBaseUrlDefaultsToPort443() {
        assertThat(StsEndpoint.parse("https://sts.aliyuncs.com")).isEqualTo(new StsEndpoint(true, "sts.aliyuncs.com", 443));
        assertThat(StsEndpoint.parse("https://sts-vpc.cn-hangzhou.aliyuncs.com/"))
                .isEqualTo(new StsEndpoint(true, "sts-vpc.cn-hangzhou.aliyuncs.com", 443));
    }

    @Test
    void httpBaseUrlKeepsItsPort() {
        assertThat(StsEndpoint.parse("http://127.0.0.1:8090")).isEqualTo(new StsEndpoint(false, "127.0.0.1", 8090));
        assertThat(StsEndpoint.parse("http://[::1]:8090").host()).isEqualTo("::1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sts.aliyuncs.com", "ftp://sts.aliyuncs.com", "https://sts.aliyuncs.com/v1",
            "https://sts.aliyuncs.com?x=1", "https://user@sts.aliyuncs.com", "https://", ""})
    void anythingButABaseUrlIsRefusedWithTheValueInTheMessage(String bad) {
        assertThatThrownBy(() -> StsEndpoint.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker.sts.endpoint")
                .hasMessageContaining("'" + bad + "'");
    }
}
