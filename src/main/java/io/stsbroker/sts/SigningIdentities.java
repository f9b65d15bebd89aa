package io.stsbroker.sts;

import com.aliyun.credentials.Client;
import com.aliyun.credentials.provider.EcsRamRoleCredentialProvider;
import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import io.stsbroker.audit.LogText;
import io.stsbroker.config.BrokerConfig.Identity;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds the broker's own signing identity for {@code broker.sts.provider=alibaba} from
 * {@code broker.sts.identity}, and refuses a missing or half-done set-up with a message naming the
 * property and every missing variable, never a secret.
 *
 * <p>Only the named source is ever used: {@code rrsa} (the default) never falls back to an
 * AccessKey or to the ECS instance role at 100.100.100.200, which on a Kubernetes node is the
 * node's own role. The variables are the ones credentials-java and ACK's RRSA webhook use.
 *
 * <p>The RRSA exchange ({@code AssumeRoleWithOIDC}) goes to the host and port of
 * {@code broker.sts.endpoint}, over HTTPS (credentials-java always uses HTTPS for it), so the
 * broker talks to exactly one STS endpoint and the egress policy has one destination to allow.
 */
public final class SigningIdentities {

    static final String PROPERTY = "broker.sts.identity";
    static final String ROLE_ARN = "ALIBABA_CLOUD_ROLE_ARN";
    static final String OIDC_PROVIDER_ARN = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
    static final String OIDC_TOKEN_FILE = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
    static final String ROLE_SESSION_NAME = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
    static final String ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    static final String ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    static final String SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN";
    /** The session name of the broker's own RRSA session when the environment names none. */
    static final String DEFAULT_SESSION_NAME = "sts-broker";

    private static final Pattern ROLE_ARN_FORMAT = Pattern.compile("acs:ram::\\d+:role/[A-Za-z0-9._-]+");
    private static final Pattern OIDC_PROVIDER_ARN_FORMAT = Pattern.compile("acs:ram::\\d+:oidc-provider/[A-Za-z0-9._-]+");

    private SigningIdentities() {
    }

    /**
     * The signing identity named by {@code identity}, read from {@code env} (the process environment
     * in production).
     *
     * @throws IllegalStateException naming {@code broker.sts.identity} and what is missing or malformed
     */
    public static SigningCredentialsSource create(Identity identity, Map<String, String> env, StsEndpoint sts) {
        return switch (identity) {
            case RRSA -> rrsa(env, sts);
            case STATIC -> staticKey(env);
            case ECS_RAM_ROLE -> CredentialsJavaSource.onWorkerPool(identity.configName(),
                    () -> new Client(EcsRamRoleCredentialProvider.builder().build()));
            case DEFAULT_CHAIN -> CredentialsJavaSource.onWorkerPool(identity.configName(), Client::new);
        };
    }

    /** A one-line description for the start-up log: the source and the non-secret values it uses. */
    public static String describe(Identity identity, Map<String, String> env) {
        return switch (identity) {
            case RRSA -> "rrsa (role " + LogText.escape(env.get(ROLE_ARN)) + ", OIDC provider "
                    + LogText.escape(env.get(OIDC_PROVIDER_ARN)) + ", token file " + LogText.escape(env.get(OIDC_TOKEN_FILE)) + ")";
            case STATIC -> "static (AccessKey " + LogText.escape(env.get(ACCESS_KEY_ID)) + " from " + ACCESS_KEY_ID + ")";
            case ECS_RAM_ROLE -> "ecs-ram-role (the ECS instance role from the metadata service at 100.100.100.200)";
            case DEFAULT_CHAIN -> "default-chain (credentials-java's default chain; its last resort is the ECS instance role)";
        };
    }

    private static SigningCredentialsSource rrsa(Map<String, String> env, StsEndpoint sts) {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String roleArn = value(env, ROLE_ARN, missing);
        String providerArn = value(env, OIDC_PROVIDER_ARN, missing);
        String tokenFile = value(env, OIDC_TOKEN_FILE, missing);
        if (!missing.isEmpty()) {
            problems.add("missing " + String.join(", ", missing));
        }
        if (roleArn != null && !ROLE_ARN_FORMAT.matcher(roleArn).matches()) {
            problems.add(ROLE_ARN + " is not acs:ram::<account-id>:role/<name>: '" + LogText.escape(roleArn) + "'");
        }
        if (providerArn != null && !OIDC_PROVIDER_ARN_FORMAT.matcher(providerArn).matches()) {
            problems.add(OIDC_PROVIDER_ARN + " is not acs:ram::<account-id>:oidc-provider/<name>: '"
                    + LogText.escape(providerArn) + "'");
        }
        if (tokenFile != null && !readableRegularFile(tokenFile)) {
            problems.add(OIDC_TOKEN_FILE + " is not a readable regular file: '" + LogText.escape(tokenFile) + "'");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid configuration: " + PROPERTY + "=rrsa (the default) needs the RRSA "
                    + "variables that ACK's pod-identity webhook injects (" + ROLE_ARN + ", " + OIDC_PROVIDER_ARN + ", "
                    + OIDC_TOKEN_FILE + "): " + String.join("; ", problems) + ". Label the namespace "
                    + "pod-identity.alibabacloud.com/injection=on and annotate the ServiceAccount with "
                    + "pod-identity.alibabacloud.com/role-name (docs/DEPLOYING.md), or name another source in " + PROPERTY
                    + " (static, ecs-ram-role, default-chain). The broker does not fall back to the node's instance role.");
        }
        String sessionName = Optional.ofNullable(env.get(ROLE_SESSION_NAME)).filter(s -> !s.isBlank()).orElse(DEFAULT_SESSION_NAME);
        // Built now: its constructor checks the values again, and nothing is fetched until the first read.
        OIDCRoleArnCredentialProvider provider = OIDCRoleArnCredentialProvider.builder()
                .roleArn(roleArn)
                .oidcProviderArn(providerArn)
                .oidcTokenFilePath(tokenFile)
                .roleSessionName(sessionName)
                .STSEndpoint(hostAndPort(sts))
                .build();
        return CredentialsJavaSource.onWorkerPool("rrsa", () -> new Client(provider));
    }

    private static SigningCredentialsSource staticKey(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        String id = value(env, ACCESS_KEY_ID, missing);
        String secret = value(env, ACCESS_KEY_SECRET, missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Invalid configuration: " + PROPERTY + "=static needs " + ACCESS_KEY_ID + " and "
                    + ACCESS_KEY_SECRET + " (and " + SECURITY_TOKEN + " for a temporary key); missing "
                    + String.join(", ", missing));
        }
        return new StaticCredentialsSource(new SigningCredentials(id, secret, Optional.ofNullable(env.get(SECURITY_TOKEN))));
    }

    /** credentials-java takes the STS endpoint as a host (with a port when not 443) and adds https:// itself. */
    static String hostAndPort(StsEndpoint sts) {
        String host = sts.host().indexOf(':') >= 0 ? "[" + sts.host() + "]" : sts.host();
        return sts.port() == 443 ? host : host + ":" + sts.port();
    }

    private static String value(Map<String, String> env, String name, List<String> missing) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            missing.add(name);
            return null;
        }
        return v.strip();
    }

    private static boolean readableRegularFile(String file) {
        try {
            Path p = Path.of(file);
            // Follows symbolic links: the kubelet swaps the token through a ..data link.
            return Files.isRegularFile(p) && Files.isReadable(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
