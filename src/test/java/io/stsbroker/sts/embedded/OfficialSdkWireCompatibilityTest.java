package io.stsbroker.sts.embedded;

import com.aliyun.sts20150401.Client;
import com.aliyun.sts20150401.models.AssumeRoleRequest;
import com.aliyun.sts20150401.models.AssumeRoleResponseBody;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.WallClockProfile;
import io.stsbroker.sts.RpcTimestamps;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Verdict;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The official Alibaba STS SDK (sts20150401 1.1.4) talks to the embedded STS as to the real one. */
@QuarkusTest
@TestProfile(WallClockProfile.class)
class OfficialSdkWireCompatibilityTest {

    private static final String ROLE = "acs:ram::1234567890123456:role/search-reader";

    @Inject
    EmbeddedStsServer server;

    @Inject

    StsCounters counters;
    @Inject
    EmbeddedStsKeys keys;
    @Inject
    Clock clock;

    private Client sdk(String accessKeyId, String secret) throws Exception {
        return new Client(new Config()
                .setAccessKeyId(accessKeyId)
                .setAccessKeySecret(secret)
                .setEndpoint("127.0.0.1:" + server.actualPort())
                .setProtocol("http"));
    }

    private static AssumeRoleRequest request(String roleArn, long durationSeconds) {
        return new AssumeRoleRequest().setRoleArn(roleArn).setRoleSessionName("sdk-session")
                .setDurationSeconds(durationSeconds);
    }

    @Test
    void official_sdk_gets_credentials_that_verify() throws Exception {
        long issuedBefore = counters.issuedCount();
        AssumeRoleResponseBody body = sdk(keys.accessKeyId(), keys.accessKeySecret())
                .assumeRole(request(ROLE, 1800)).getBody();

        AssumeRoleResponseBody.AssumeRoleResponseBodyCredentials creds = body.getCredentials();
        assertThat(body.getRequestId()).isNotBlank();
        assertThat(body.getAssumedRoleUser().getArn()).isEqualTo("acs:ram::1234567890123456:assumed-role/search-reader/sdk-session");
        assertThat(creds.getAccessKeyId()).startsWith("STS.");
        assertThat(creds.getAccessKeySecret()).isNotBlank();
        Instant expiration = RpcTimestamps.parse(creds.getExpiration()).orElseThrow();
        assertThat(expiration).isCloseTo(clock.instant().plus(Duration.ofSeconds(1800)), within(Duration.ofSeconds(5)));
        assertThat(EmbeddedSecurityToken.verify(creds.getSecurityToken(), creds.getAccessKeyId(), clock.instant(),
                keys.tokenKey())).isEqualTo(Verdict.VALID);
        assertThat(counters.issuedCount()).isEqualTo(issuedBefore + 1);
    }

    @Test
    void official_sdk_with_a_wrong_secret_gets_signature_does_not_match() {
        assertThatThrownBy(() -> sdk(keys.accessKeyId(), "wrong-secret").assumeRole(request(ROLE, 3600)))
                .isInstanceOfSatisfying(TeaException.class, e -> {
                    assertThat(e.getCode()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.getStatusCode()).isEqualTo(400);
                });
    }

    @Test
    void official_sdk_with_an_unknown_key_gets_access_key_not_found() {
        assertThatThrownBy(() -> sdk("LTAIunknownkey", keys.accessKeySecret()).assumeRole(request(ROLE, 3600)))
                .isInstanceOfSatisfying(TeaException.class, e -> {
                    assertThat(e.getCode()).isEqualTo("InvalidAccessKeyId.NotFound");
                    assertThat(e.getStatusCode()).isEqualTo(404);
                });
    }

    @Test
    void official_sdk_with_a_malformed_role_arn_gets_invalid_role_arn() {
        assertThatThrownBy(() -> sdk(keys.accessKeyId(), keys.accessKeySecret())
                .assumeRole(request("arn:aws:iam::123:role/x", 3600)))
                .isInstanceOfSatisfying(TeaException.class,
                        e -> assertThat(e.getCode()).isEqualTo("InvalidParameter.RoleArn"));
    }

    @Test
    void official_sdk_with_an_out_of_range_duration_gets_invalid_duration() {
        assertThatThrownBy(() -> sdk(keys.accessKeyId(), keys.accessKeySecret()).assumeRole(request(ROLE, 60)))
                .isInstanceOfSatisfying(TeaException.class,
                        e -> assertThat(e.getCode()).isEqualTo("InvalidParameter.DurationSeconds"));
    }
}
