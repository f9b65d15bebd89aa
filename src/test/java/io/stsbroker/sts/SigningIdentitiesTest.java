package io.stsbroker.sts;

import io.stsbroker.config.BrokerConfig.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's own identity is the one named by broker.sts.identity, and a missing set-up stops start-up. */
class SigningIdentitiesTest {

    private static final String ROLE = "acs:ram::1234567890123456:role/sts-broker";
    private static final String PROVIDER = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee";
    private static final StsEndpoint STS = StsEndpoint.parse("https://sts-vpc.cn-hangzhou.aliyuncs.com");

    @TempDir
    Path dir;

    @Test
    void rrsaWithoutItsVariablesStopsStartUpNamingThePropertyAndEveryMissingVariable() {
        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, Map.of(), STS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broker.sts.identity=rrsa")
                .hasMessageContaining("missing ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE")
                .hasMessageContaining("pod-identity.alibabacloud.com/injection")
                .hasMessageContaining("does not fall back to the node's instance role");
    }

    @Test
    void rrsaIgnoresAnAccessKeyOrInstanceRoleThatWouldOtherwiseBeFound() {
        // With only an AccessKey in the environment the default chain would sign with it: rrsa refuses.
        Map<String, String> env = Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t");

        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, env, STS))
                .hasMessageContaining("missing ALIBABA_CLOUD_ROLE_ARN")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void rrsaWithOneVariableMissingNamesOnlyThatOne() throws Exception {
        Map<String, String> env = rrsaEnv();
        env.remove("ALIBABA_CLOUD_OIDC_PROVIDER_ARN");

        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, env, STS))
                .hasMessageContaining("missing ALIBABA_CLOUD_OIDC_PROVIDER_ARN.")
                .hasMessageNotContaining("missing ALIBABA_CLOUD_ROLE_ARN");
    }

    @Test
    void rrsaTokenFileMustBeAReadableRegularFile() throws Exception {
        Map<String, String> env = rrsaEnv();
        env.put("ALIBABA_CLOUD_OIDC_TOKEN_FILE", dir.resolve("absent").toString());
        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, env, STS))
                .hasMessageContaining("ALIBABA_CLOUD_OIDC_TOKEN_FILE is not a readable regular file")
                .hasMessageContaining(dir.resolve("absent").toString());

        env.put("ALIBABA_CLOUD_OIDC_TOKEN_FILE", dir.toString());
        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, env, STS))
                .hasMessageContaining("ALIBABA_CLOUD_OIDC_TOKEN_FILE is not a readable regular file");
    }

    @Test
    void rrsaTokenFileMayBeASymbolicLinkAsTheKubeletMountsIt() throws Exception {
        Map<String, String> env = rrsaEnv();
        Path link = dir.resolve("token-link");
        Files.createSymbolicLink(link, Path.of(env.get("ALIBABA_CLOUD_OIDC_TOKEN_FILE")));
        env.put("ALIBABA_CLOUD_OIDC_TOKEN_FILE", link.toString());

        assertThat(SigningIdentities.create(Identity.RRSA, env, STS)).isInstanceOf(CredentialsJavaSource.class);
    }

    @Test
    void rrsaRefusesMalformedArnsNamingTheVariable() throws Exception {
        Map<String, String> env = rrsaEnv();
        env.put("ALIBABA_CLOUD_ROLE_ARN", "arn:aws:iam::1:role/x\nFAKE LOG LINE");
        env.put("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", ROLE);

        assertThatThrownBy(() -> SigningIdentities.create(Identity.RRSA, env, STS))
                .hasMessageContaining("ALIBABA_CLOUD_ROLE_ARN is not acs:ram::<account-id>:role/<name>")
                .hasMessageContaining("ALIBABA_CLOUD_OIDC_PROVIDER_ARN is not acs:ram::<account-id>:oidc-provider/<name>")
                .hasMessageNotContaining("\n");
    }

    /**
     * The exchange goes to broker.sts.endpoint's host and port over TLS, so the egress policy needs
     * one STS destination. A loopback listener stands in for STS: the first byte credentials-java
     * sends is a TLS handshake record (0x16), and the read fails since no handshake follows.
     */
    @Test
    void rrsaExchangeGoesToTheConfiguredStsEndpointOverTls() throws Exception {
        try (ServerSocket sts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> {
                try (Socket s = sts.accept(); InputStream in = s.getInputStream()) {
                    return in.read();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SigningCredentialsSource source = SigningIdentities.create(Identity.RRSA, rrsaEnv(),
                    StsEndpoint.parse("https://127.0.0.1:" + sts.getLocalPort()));

            assertThatThrownBy(() -> source.current().await().atMost(Duration.ofSeconds(30)));
            assertThat(firstByte.get(10, TimeUnit.SECONDS)).isEqualTo(0x16);
        }
    }

    @Test
    void credentialsJavaGetsTheEndpointAsHostWithANonDefaultPort() {
        assertThat(SigningIdentities.hostAndPort(STS)).isEqualTo("sts-vpc.cn-hangzhou.aliyuncs.com");
        assertThat(SigningIdentities.hostAndPort(StsEndpoint.parse("https://127.0.0.1:8443"))).isEqualTo("127.0.0.1:8443");
        assertThat(SigningIdentities.hostAndPort(StsEndpoint.parse("https://[::1]:9443"))).isEqualTo("[::1]:9443");
    }

    @Test
    void staticNeedsBothKeyVariablesAndNeverPrintsTheSecret() {
        assertThatThrownBy(() -> SigningIdentities.create(Identity.STATIC,
                Map.of("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t"), STS))
                .hasMessageContaining("broker.sts.identity=static")
                .hasMessageContaining("missing ALIBABA_CLOUD_ACCESS_KEY_ID")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void staticSignsWithTheConfiguredKey() {
        SigningCredentialsSource source = SigningIdentities.create(Identity.STATIC,
                Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t"), STS);

        assertThat(source.current().await().atMost(Duration.ofSeconds(1))).isEqualTo(SigningCredentials.of("LTAIexample", "s3cr3t"));
    }

    @Test
    void instanceRoleAndDefaultChainAreUsedOnlyWhenNamedAndNeedNothingAtStartUp() {
        assertThat(SigningIdentities.create(Identity.ECS_RAM_ROLE, Map.of(), STS).toString()).contains("ecs-ram-role");
        assertThat(SigningIdentities.create(Identity.DEFAULT_CHAIN, Map.of(), STS).toString()).contains("default-chain");
    }

    @Test
    void describeShowsWhereTheIdentityComesFromButNoSecret() throws Exception {
        assertThat(SigningIdentities.describe(Identity.RRSA, rrsaEnv())).contains(ROLE, PROVIDER);
        assertThat(SigningIdentities.describe(Identity.STATIC,
                Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t")))
                .contains("LTAIexample").doesNotContain("s3cr3t");
    }

    @Test
    void identitiesAreConfiguredByTheirHyphenatedNames() {
        assertThat(Identity.RRSA.configName()).isEqualTo("rrsa");
        assertThat(Identity.ECS_RAM_ROLE.configName()).isEqualTo("ecs-ram-role");
        assertThat(Identity.DEFAULT_CHAIN.configName()).isEqualTo("default-chain");
    }

    private Map<String, String> rrsaEnv() throws Exception {
        Path token = dir.resolve("token");
        if (!Files.exists(token)) {
            Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        }
        Map<String, String> env = new HashMap<>();
        env.put("ALIBABA_CLOUD_ROLE_ARN", ROLE);
        env.put("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", PROVIDER);
        env.put("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.toString());
        return env;
    }
}
