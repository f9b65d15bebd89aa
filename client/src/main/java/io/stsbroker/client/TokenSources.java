package io.stsbroker.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Picks the bearer token source the environment configures, first match wins: the token file
 * ({@code STS_BROKER_TOKEN_FILE}, else {@value #DEFAULT_TOKEN_FILE} if it exists), then
 * {@code STS_BROKER_TOKEN}, then an API key from {@code STS_BROKER_API_KEY} or from the variable
 * that {@code STS_BROKER_API_KEY_ENV} names.
 *
 * <p><b>Note:</b> a third-party variable such as {@code DASHSCOPE_API_KEY} is read only when
 * {@code STS_BROKER_API_KEY_ENV} names it: such variables usually hold another product's secret,
 * which must never be sent to the broker by accident.
 */
public final class TokenSources {
    /** Where Kubernetes mounts the projected service-account token (audience {@code sts-broker}). */
    public static final String DEFAULT_TOKEN_FILE = "/var/run/secrets/sts-broker/token";

    public static final String TOKEN_FILE_ENV = "STS_BROKER_TOKEN_FILE";
    public static final String TOKEN_ENV = "STS_BROKER_TOKEN";
    public static final String API_KEY_ENV = "STS_BROKER_API_KEY";
    public static final String API_KEY_ENV_NAME_ENV = "STS_BROKER_API_KEY_ENV";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private TokenSources() {
    }

    /**
     * Resolves the token source from {@code env} (e.g. {@code System::getenv}).
     *
     * @throws BrokerConfigurationException if nothing is configured, or the configuration is contradictory
     */
    public static TokenSource fromEnvironment(Function<String, String> env) {
        return fromEnvironment(env, Path.of(DEFAULT_TOKEN_FILE));
    }

    /** As {@link #fromEnvironment(Function)}, with the default token file location replaced (for tests). */
    public static TokenSource fromEnvironment(Function<String, String> env, Path defaultTokenFile) {
        Objects.requireNonNull(env, "env");
        String tokenFile = value(env, TOKEN_FILE_ENV);
        if (tokenFile != null) {
            return TokenSource.ofFile(Path.of(tokenFile));
        }
        if (Files.exists(defaultTokenFile)) {
            return TokenSource.ofFile(defaultTokenFile);
        }
        String token = value(env, TOKEN_ENV);
        if (token != null) {
            return TokenSource.of(token, "environment variable " + TOKEN_ENV);
        }
        String keyVariable = value(env, API_KEY_ENV_NAME_ENV);
        String apiKey = value(env, API_KEY_ENV);
        if (keyVariable != null) {
            return namedApiKey(env, keyVariable, apiKey != null);
        }
        if (apiKey != null) {
            return TokenSource.of(apiKey, "environment variable " + API_KEY_ENV);
        }
        throw new BrokerConfigurationException("No bearer token for the broker is configured. Mount a projected"
                + " service-account token at " + defaultTokenFile + " (or set " + TOKEN_FILE_ENV + "), or set "
                + TOKEN_ENV + ", or set " + API_KEY_ENV + " (or " + API_KEY_ENV_NAME_ENV
                + " to the name of the variable holding the API key).");
    }

    private static TokenSource namedApiKey(Function<String, String> env, String variable, boolean apiKeyAlsoSet) {
        if (!ENV_NAME.matcher(variable).matches()) {
            throw new BrokerConfigurationException(API_KEY_ENV_NAME_ENV + " must be an environment variable name"
                    + " such as DASHSCOPE_API_KEY, but is '" + printable(variable) + "'.");
        }
        if (apiKeyAlsoSet) {
            throw new BrokerConfigurationException("Both " + API_KEY_ENV + " and " + API_KEY_ENV_NAME_ENV
                    + " are set; set only one, so it is clear which API key is sent to the broker.");
        }
        String key = value(env, variable);
        String description = "environment variable " + variable + " (named by " + API_KEY_ENV_NAME_ENV + ")";
        if (key == null) {
            throw new BrokerConfigurationException(API_KEY_ENV_NAME_ENV + " names " + variable
                    + " as the API key variable, but " + variable + " is empty or unset.");
        }
        return TokenSource.of(key, description);
    }

    private static String value(Function<String, String> env, String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String printable(String value) {
        // The value is a variable name, not a secret, but keep control characters out of messages.
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
