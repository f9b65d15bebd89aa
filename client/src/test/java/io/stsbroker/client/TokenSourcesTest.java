package io.stsbroker.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenSourcesTest {
    @TempDir
    Path dir;

    /** An environment that records every variable looked up. */
    private static final class Env implements Function<String, String> {
        final Map<String, String> values = new HashMap<>();
        final List<String> lookedUp = new ArrayList<>();

        Env with(String name, String value) {
            values.put(name, value);
            return this;
        }

        @Override
        public String apply(String name) {
            lookedUp.add(name);
            return values.get(name);
        }
    }

    private Path absentDefault() {
        return dir.resolve("no-default-token");
    }

    @Test
    void tokenFileVariableWinsOverEverythingElse() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "jwt-from-file\n");
        Env env = new Env().with("STS_BROKER_TOKEN_FILE", file.toString())
                .with("STS_BROKER_TOKEN", "env-token").with("STS_BROKER_API_KEY", "key");

        TokenSource source = TokenSources.fromEnvironment(env, absentDefault());

        assertThat(source.token()).isEqualTo("jwt-from-file");
        assertThat(source.description()).isEqualTo("token file " + file);
    }

    @Test
    void defaultTokenFileIsUsedWhenItExistsAndNothingNamesAnother() throws Exception {
        Path defaultFile = Files.writeString(dir.resolve("default-token"), "projected-jwt");
        Env env = new Env().with("STS_BROKER_TOKEN", "env-token");

        assertThat(TokenSources.fromEnvironment(env, defaultFile).token()).isEqualTo("projected-jwt");
    }

    @Test
    void tokenVariableIsUsedWhenThereIsNoTokenFile() {
        Env env = new Env().with("STS_BROKER_TOKEN", "env-token").with("STS_BROKER_API_KEY", "key");

        TokenSource source = TokenSources.fromEnvironment(env, absentDefault());

        assertThat(source.token()).isEqualTo("env-token");
        assertThat(source.description()).isEqualTo("environment variable STS_BROKER_TOKEN");
    }

    @Test
    void apiKeyVariableIsTheLastResort() {
        Env env = new Env().with("STS_BROKER_API_KEY", " dev-key ");

        TokenSource source = TokenSources.fromEnvironment(env, absentDefault());

        assertThat(source.token()).isEqualTo("dev-key");
        assertThat(source.description()).isEqualTo("environment variable STS_BROKER_API_KEY");
    }

    @Test
    void dashscopeApiKeyIsNeverReadUnlessApiKeyEnvNamesIt() {
        Env env = new Env().with("DASHSCOPE_API_KEY", "other-product-secret").with("STS_BROKER_API_KEY", "key");

        TokenSources.fromEnvironment(env, absentDefault());
        assertThatThrownBy(() -> TokenSources.fromEnvironment(new Env().with("DASHSCOPE_API_KEY", "x"), absentDefault()))
                .isInstanceOf(BrokerConfigurationException.class);

        assertThat(env.lookedUp).doesNotContain("DASHSCOPE_API_KEY")
                .allSatisfy(name -> assertThat(name).startsWith("STS_BROKER_"));
    }

    @Test
    void apiKeyEnvReadsTheKeyFromTheVariableItNames() {
        Env env = new Env().with("STS_BROKER_API_KEY_ENV", "DASHSCOPE_API_KEY").with("DASHSCOPE_API_KEY", "ds-key");

        TokenSource source = TokenSources.fromEnvironment(env, absentDefault());

        assertThat(source.token()).isEqualTo("ds-key");
        assertThat(source.description())
                .isEqualTo("environment variable DASHSCOPE_API_KEY (named by STS_BROKER_API_KEY_ENV)");
    }

    @Test
    void apiKeyEnvNamingAnEmptyVariableFailsNamingBothVariables() {
        Env env = new Env().with("STS_BROKER_API_KEY_ENV", "DASHSCOPE_API_KEY");

        assertThatThrownBy(() -> TokenSources.fromEnvironment(env, absentDefault()))
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("STS_BROKER_API_KEY_ENV names DASHSCOPE_API_KEY")
                .hasMessageContaining("empty or unset");
    }

    @Test
    void apiKeyEnvWithAnInvalidNameIsRejected() {
        Env env = new Env().with("STS_BROKER_API_KEY_ENV", "not a name");

        assertThatThrownBy(() -> TokenSources.fromEnvironment(env, absentDefault()))
                .hasMessageContaining("must be an environment variable name");
    }

    @Test
    void apiKeyEnvAndApiKeyTogetherAreAmbiguousAndRejected() {
        Env env = new Env().with("STS_BROKER_API_KEY_ENV", "DASHSCOPE_API_KEY").with("DASHSCOPE_API_KEY", "a")
                .with("STS_BROKER_API_KEY", "b");

        assertThatThrownBy(() -> TokenSources.fromEnvironment(env, absentDefault()))
                .hasMessageContaining("set only one");
    }

    @Test
    void nothingConfiguredFailsListingEveryOption() {
        assertThatThrownBy(() -> TokenSources.fromEnvironment(new Env(), absentDefault()))
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("STS_BROKER_TOKEN_FILE")
                .hasMessageContaining("STS_BROKER_TOKEN,")
                .hasMessageContaining("STS_BROKER_API_KEY")
                .hasMessageContaining("STS_BROKER_API_KEY_ENV");
    }

    @Test
    void blankVariablesCountAsUnset() {
        Env env = new Env().with("STS_BROKER_TOKEN_FILE", " ").with("STS_BROKER_TOKEN", "").with("STS_BROKER_API_KEY", "k");

        assertThat(TokenSources.fromEnvironment(env, absentDefault()).token()).isEqualTo("k");
    }

    @Test
    void tokenWithAHeaderBreakingCharacterIsRejectedWithoutEchoingIt() {
        Env env = new Env().with("STS_BROKER_TOKEN", "abc\r\nX-Evil: secretvalue");

        assertThatThrownBy(() -> TokenSources.fromEnvironment(env, absentDefault()))
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining("environment variable STS_BROKER_TOKEN")
                .hasMessageNotContaining("secretvalue");
    }
}
