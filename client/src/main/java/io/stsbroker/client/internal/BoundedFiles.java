package io.stsbroker.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads small files (tokens, CA bundles) that someone else may replace at any time.
 *
 * <p>Only a regular file is opened, after following symlinks (the kubelet swaps a {@code ..data}
 * link to rotate projected tokens): a FIFO would block the open for good and a device such as
 * {@code /dev/zero} never ends. At most {@code maxBytes + 1} bytes are read whatever the size
 * said before, so a file that grows between the check and the read is still refused.
 */
public final class BoundedFiles {
    private BoundedFiles() {
    }

    /** The file is not a regular file, or holds more than the limit. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code file} (following symlinks) if it is a regular file of at most {@code maxBytes}.
     *
     * @throws Refused                           if it is not a regular file, or is larger
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException                       if it cannot be read
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        Path real = file.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new Refused("is not a regular file");
        }
        byte[] data;
        try (InputStream in = Files.newInputStream(real)) {
            data = in.readNBytes(maxBytes + 1);
        }
        if (data.length > maxBytes) {
            throw new Refused("is larger than " + maxBytes + " bytes");
        }
        return data;
    }
}
