package io.stsbroker.client;

import java.nio.file.Path;

/**
 * Supplies the bearer token sent as {@code Authorization: Bearer <token>} on every broker request.
 *
 * <p>{@link #token()} is called once per broker request, so a source backed by a rotating file
 * hands out the current token without any watcher. {@link TokenSources#fromEnvironment} picks the
 * source the environment configures.
 */
public interface TokenSource {

    /**
     * Returns the token to send now.
     *
     * @throws BrokerConfigurationException if no usable token can be read; the message names the
     *                                      source, never a token
     */
    String token();

    /** Where the token comes from, safe to show in messages, e.g. {@code environment variable STS_BROKER_TOKEN}. */
    String description();

    /** A token read from {@code file} on every request (a Kubernetes projected token rotates in place). */
    static TokenSource ofFile(Path file) {
        return new FileTokenSource(file);
    }

    /** A fixed token; {@code description} says where it came from and must not contain it. */
    static TokenSource of(String token, String description) {
        return new StaticTokenSource(token, description);
    }
}
