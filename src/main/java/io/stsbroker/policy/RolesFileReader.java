package io.stsbroker.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the bytes of {@code broker.roles-file} only when, after following symbolic links (as a
 * Kubernetes ConfigMap mount needs), it is a regular file of at most {@link RolesFile#MAX_BYTES},
 * and only for a bounded time: a FIFO, a directory or a device is refused without being opened,
 * and a read that does not finish in time (a file swapped for a FIFO between the check and the
 * open, a hung network file system) is given up, so a reload can never hang.
 *
 * <p><b>Note:</b> Java cannot interrupt a thread blocked in {@code open()}: a read given up on
 * keeps its thread until the file system lets go. At most {@link #MAX_STUCK} such threads are kept;
 * while that many are stuck, further reads are skipped (refused at once) rather than adding more.
 */
final class RolesFileReader {

    /** How long one read may take: {@value #DEFAULT_TIMEOUT_SECONDS} s (the file is kilobytes). */
    static final long DEFAULT_TIMEOUT_SECONDS = 5;
    /** Reads given up on whose threads may still be blocked before further reads are skipped. */
    static final int MAX_STUCK = 2;

    private static final RolesFileReader SHARED = new RolesFileReader(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));

    private final Duration timeout;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "broker-roles-file-read");
        t.setDaemon(true);
        return t;
    });
    /** Completed when the thread of a read given up on is free again (a cancelled Future is "done" at once). */
    private final List<CompletableFuture<Void>> stuck = new ArrayList<>();

    RolesFileReader(Duration timeout) {
        this.timeout = timeout;
    }

    /** The reader used at start-up and by the watcher, with the default time bound. */
    static RolesFileReader shared() {
        return SHARED;
    }

    /**
     * @throws IOException naming the problem (missing, not a regular file, too large, not read in
     *                     time, skipped); the path itself is left to the caller to name
     */
    RolesFile.Raw read(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class); // follows links
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file (" + (a.isDirectory() ? "a directory" : "a FIFO, socket or device")
                    + "); only regular files are read");
        }
        if (a.size() > RolesFile.MAX_BYTES) {
            throw new IOException("the file is larger than " + RolesFile.MAX_BYTES + " bytes");
        }
        return readBounded(path);
    }

    /** The read itself, on a thread of its own, given up on after the timeout; no type check. */
    synchronized RolesFile.Raw readBounded(Path path) throws IOException {
        stuck.removeIf(CompletableFuture::isDone);
        if (stuck.size() >= MAX_STUCK) {
            throw new IOException("skipped: " + stuck.size() + " earlier read(s) of the file are still blocked");
        }
        CompletableFuture<Void> threadFree = new CompletableFuture<>();
        Future<byte[]> read = threads.submit(() -> {
            try (InputStream in = Files.newInputStream(path)) {
                return in.readNBytes(RolesFile.MAX_BYTES + 1);
            } finally {
                threadFree.complete(null);
            }
        });
        try {
            byte[] bytes = read.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return new RolesFile.Raw(bytes, RolesFile.sha256(bytes));
        } catch (TimeoutException e) {
            read.cancel(true);
            stuck.add(threadFree);
            throw new IOException("not read within " + timeout.toMillis() + " ms (a FIFO, or a hung file system?)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("read failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            read.cancel(true);
            throw new IOException("interrupted");
        }
    }
}
