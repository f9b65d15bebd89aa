package io.stsbroker.client.sidecar;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code exec}'s command with the caller's standard streams and waits for it, passing
 * termination signals on, and returns its exit status.
 *
 * <p>The JVM cannot replace itself with the command (no {@code execve}), so it stays as the
 * command's parent: SIGTERM and SIGHUP sent to it are passed on to the command as SIGTERM (the
 * only signal {@link Process#destroy()} sends), and SIGINT is ignored because Ctrl-C already
 * reaches the command, which is in the same process group. Either way the JVM waits for the command and exits
 * with its status, 128+n when a signal n ended it, as shells report it.
 */
final class ChildProcess {
    private static final List<String> FORWARDED = List.of("TERM", "HUP");
    private static final String IGNORED = "INT";

    private ChildProcess() {
    }

    /**
     * Starts {@code command} with {@code set} added to this process's environment and {@code removed}
     * taken out of it, and waits for it.
     *
     * @throws IOException if it cannot be started (not found, not executable)
     */
    static int run(List<String> command, Map<String, String> set, List<String> removed) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        removed.forEach(builder.environment()::remove);
        builder.environment().putAll(set);
        // Handlers first: a signal between start and installation would end the JVM and orphan the command.
        // A signal may also arrive before start() returns (the command can run, even print, by then):
        // the flag keeps it, and whichever side comes second passes it on.
        AtomicReference<Process> child = new AtomicReference<>();
        AtomicBoolean terminate = new AtomicBoolean();
        List<Runnable> restore = new ArrayList<>();
        try {
            for (String name : FORWARDED) {
                restore.add(handle(name, () -> {
                    terminate.set(true);
                    Process p = child.get();
                    if (p != null) {
                        p.destroy();
                    }
                }));
            }
            restore.add(handle(IGNORED, () -> { }));
            Process started = builder.start();
            child.set(started);
            if (terminate.get()) {
                started.destroy();
            }
            return started.waitFor();
        } finally {
            restore.forEach(Runnable::run);
        }
    }

    /**
     * Installs {@code action} for the signal {@code name} and returns what puts the old handler back.
     * {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle a signal; where
     * the JVM refuses (e.g. under {@code -Xrs}) the default behaviour stays.
     */
    @SuppressWarnings("restriction")
    private static Runnable handle(String name, Runnable action) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> action.run());
            return () -> sun.misc.Signal.handle(signal, previous);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return () -> { };
        }
    }
}
