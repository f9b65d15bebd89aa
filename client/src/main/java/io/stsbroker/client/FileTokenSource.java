package io.stsbroker.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.stsbroker.client.internal.BoundedFiles;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A token read afresh from a file on every call, so a rotated Kubernetes projected
 * service-account token is used from the next broker request on.
 *
 * <p>Why read every time rather than watch modification times: the broker is asked only when
 * credentials need refreshing (minutes apart), so the read is cheap, and the kubelet's atomic
 * symlink swap can keep sizes and coarse timestamps unchanged.
 */
final class FileTokenSource implements TokenSource {
    /** A projected token is a JWT of a few KiB; anything far larger is not a token file. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;

    FileTokenSource(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public String token() {
        try {
            return TokenText.checked(new String(BoundedFiles.read(file, MAX_BYTES), StandardCharsets.UTF_8), description());
        } catch (BoundedFiles.Refused e) {
            throw new BrokerConfigurationException("The token file " + file + " " + e.getMessage()
                    + " (at most " + MAX_BYTES + " bytes); is STS_BROKER_TOKEN_FILE pointing at the right file?", e);
        } catch (NoSuchFileException e) {
            throw new BrokerConfigurationException("The token file " + file + " does not exist. Mount the"
                    + " projected service-account token there (audience sts-broker) or set STS_BROKER_TOKEN_FILE.", e);
        } catch (IOException e) {
            throw new BrokerConfigurationException("Cannot read the token file " + file + ": " + e, e);
        }
    }

    @Override
    public String description() {
        return "token file " + file;
    }

    @Override
    public String toString() {
        return "TokenSource[" + description() + "]";
    }
}
