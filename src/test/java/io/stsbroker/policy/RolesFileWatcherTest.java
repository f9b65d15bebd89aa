package io.stsbroker.policy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reloading {@code broker.roles-file} without a restart, on a real directory laid out as Kubernetes
 * mounts a ConfigMap (the file is a symbolic link through {@code ..data}, and an update swaps
 * {@code ..data} atomically), driven both by {@link RolesFileWatcher#reloadNow()} and by the
 * poller itself.
 */
class RolesFileWatcherTest {

    private static final String V1 = """
            roles:
              reader:
                arn: acs:ram::1234567890123456:role/reader
                allow: [system:serviceaccount:app:*]
            """;
    private static final String V2 = """
            roles:
              reader:
                arn: acs:ram::1234567890123456:role/reader
                allow: [system:serviceaccount:other:*]
              writer:
                arn: acs:ram::1234567890123456:role/writer
            """;
    private static final String BAD_ARN = """
            roles:
              reader:
                arn: acs:ram::1234567890123456:role/reader
                allow: [system:serviceaccount:nobody:*]
              broken:
                arn: not-an-arn
            """;
    private static final String APP = "system:serviceaccount:app:web";

    @TempDir
    Path dir;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<RolesFileWatcher> watchers = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private int version;

    @BeforeEach
    void captureLogs() {
        Logger.getLogger(RolesFileWatcher.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(RolesFileWatcher.class.getName()).removeHandler(capture);
        watchers.forEach(RolesFileWatcher::stop);
    }

    /** Publishes {@code content} the way the kubelet does: a new timestamped directory, then one atomic rename of ..data. */
    private Path publish(String content) throws Exception {
        Path versionDir = dir.resolve("..2026_11_27_12_00_0" + (version++));
        Files.createDirectory(versionDir);
        Files.writeString(versionDir.resolve("roles.yaml"), content);
        Path tmpLink = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, versionDir.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path file = dir.resolve("roles.yaml");
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(file, Path.of("..data", "roles.yaml"));
        }
        return file;
    }

    /** Publishes a version whose roles.yaml is whatever {@code make} puts at the path it is given. */
    private void publishOdd(FileMaker make) throws Exception {
        Path versionDir = dir.resolve("..2026_11_27_12_00_0" + (version++));
        Files.createDirectory(versionDir);
        make.at(versionDir.resolve("roles.yaml"));
        Path tmpLink = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, versionDir.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    interface FileMaker {
        void at(Path p) throws Exception;
    }

    static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).as("mkfifo exit status").isZero();
    }

    /** The outcomes of the roles-reload audit events, in order. */
    private final List<String> reloadAudits = new java.util.concurrent.CopyOnWriteArrayList<>();

    private double reloads(String result) {
        var c = meters.find("broker.roles.reloads").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private double lastSuccessGauge() {
        return meters.get("broker.roles_file.last_success_timestamp").gauge().value();
    }

    private List<LogRecord> warnings() {
        return logged.stream().filter(r -> r.getLevel().intValue() == Level.WARNING.intValue()).toList();
    }

    private record Setup(AccessPolicy policy, RolesFileWatcher watcher) {
    }

    private Setup start(Path file, String pollInterval) {
        BrokerConfig config = RolesFileTest.config("broker.roles-file", file.toString(),
                "broker.roles-file-poll-interval", pollInterval);
        AuditLog audit = new AuditLog(clock) {
            @Override
            public void record(AuditEvent e) {
                if (e.type() == AuditEvent.Type.ROLES_RELOAD) {
                    reloadAudits.add(e.outcome());
                }
                super.record(e);
            }
        };
        AccessPolicy policy = new AccessPolicy(config, audit);
        RolesFileWatcher watcher = new RolesFileWatcher(config, policy, audit, meters, clock);
        watchers.add(watcher);
        return new Setup(policy, watcher);
    }

    /** The message as it is printed (JBoss Logging's printf-style records keep the pattern in getMessage()). */
    static String text(LogRecord r) {
        return r instanceof org.jboss.logmanager.ExtLogRecord e ? e.getFormattedMessage()
                : new java.util.logging.SimpleFormatter().formatMessage(r);
    }

    private static List<String> grantedTo(AccessPolicy policy, String identity) {
        return policy.rolesFor(identity).stream().map(Role::name).toList();
    }

    @Test
    void symbolicLinkSwapIsReloadedAndTheNextDecisionUsesIt() throws Exception {
        Path file = publish(V1);
        Setup s = start(file, "1h");
        assertThat(grantedTo(s.policy(), APP)).containsExactly("reader");
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNCHANGED);

        publish(V2);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        assertThat(grantedTo(s.policy(), APP)).isEmpty();
        assertThat(grantedTo(s.policy(), "system:serviceaccount:other:x")).containsExactly("reader");
        assertThat(s.policy().role("writer")).isPresent();
        assertThat(logged).anySatisfy(r -> assertThat(text(r)).contains("Role catalogue reloaded from")
                .contains("added [writer], removed [], changed [reader]"));
    }

    @Test
    void thePollerPicksUpAnUpdateByItself() throws Exception {
        Path file = publish(V1);
        Setup s = start(file, "100ms");
        publish(V2);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!grantedTo(s.policy(), APP).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(grantedTo(s.policy(), APP)).as("revoked by the poller within 10 s").isEmpty();
    }

    @Test
    void invalidEditIsRejectedLoggedOnceAndTheCurrentCatalogueKept() throws Exception {
        Path file = publish(V1);
        Setup s = start(file, "1h");
        publish(BAD_ARN);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.REJECTED);
        assertThat(grantedTo(s.policy(), APP)).containsExactly("reader");
        List<LogRecord> errors = logged.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).hasSize(1);
        assertThat(text(errors.get(0))).contains("rejected, keeping the current catalogue of 1 role(s)")
                .contains("roles.broken.arn='not-an-arn'").contains(file.toString());
        // The same bad version is not reported again on every poll.
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNCHANGED);
        assertThat(logged.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())).hasSize(1);
        // A fixed version goes in.
        publish(V2);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        assertThat(grantedTo(s.policy(), APP)).isEmpty();
    }

    @Test
    void truncatedOrMissingFileKeepsTheCurrentCatalogue() throws Exception {
        Path file = publish(V1);
        Setup s = start(file, "1h");
        publish("");
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.REJECTED);
        assertThat(grantedTo(s.policy(), APP)).containsExactly("reader");
        Files.delete(file);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNREADABLE);
        assertThat(grantedTo(s.policy(), APP)).containsExactly("reader");
        assertThat(s.watcher().reloadNow()).as("still unreadable: counted once per streak").isEqualTo(RolesFileWatcher.Outcome.UNREADABLE);
        Files.createSymbolicLink(file, Path.of("..data", "roles.yaml"));
        publish(V2);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        // Alert rules read these: one of each, however often the unreadable file was polled.
        assertThat(reloads("rejected")).isEqualTo(1);
        assertThat(reloads("unreadable")).isEqualTo(1);
        assertThat(reloads("success")).isEqualTo(1);
        assertThat(reloadAudits).containsExactly("Rejected", "Success");
    }

    /**
     * A FIFO, a directory, a dangling symbolic link and a file above the size limit in turn (the
     * tests run as root, whom {@code chmod 000} does not stop, so "unreadable" is made with a link
     * to nothing and with an oversized file): each read returns at once as UNREADABLE, the
     * catalogue stays, one WARN covers the whole streak and the success gauge stands still; then a
     * valid file that revokes the grant applies at the very next poll.
     */
    @Test
    void filesThatAreNotRegularOrReadableKeepTheCatalogueWarnOnceAndTheNextValidFileApplies() throws Exception {
        Path file = publish(V1);
        Setup s = start(file, "1h");
        long started = clock.instant().getEpochSecond();
        assertThat(lastSuccessGauge()).isEqualTo(started);
        clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNCHANGED);
        assertThat(lastSuccessGauge()).as("an unchanged poll is a successful read").isEqualTo(started + 60);

        List<FileMaker> odd = List.of(
                RolesFileWatcherTest::mkfifo,
                Files::createDirectory,
                p -> Files.createSymbolicLink(p, Path.of("nowhere.yaml")),
                p -> Files.write(p, new byte[RolesFile.MAX_BYTES + 1]));
        for (FileMaker make : odd) {
            clock.advance(java.time.Duration.ofMinutes(1));
            publishOdd(make);
            // Preemptive: on a FIFO a read that opens the file would block for ever.
            RolesFileWatcher.Outcome outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30), () -> s.watcher().reloadNow());
            assertThat(outcome).isEqualTo(RolesFileWatcher.Outcome.UNREADABLE);
            assertThat(grantedTo(s.policy(), APP)).containsExactly("reader");
            assertThat(lastSuccessGauge()).isEqualTo(started + 60);
        }
        assertThat(warnings()).hasSize(1);
        assertThat(text(warnings().get(0))).contains(file.toString()).contains("not a regular file")
                .contains("keeping the current catalogue of 1 role(s)");
        assertThat(logged.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())).isEmpty();

        clock.advance(java.time.Duration.ofMinutes(1));
        publish(V2);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.RELOADED);
        assertThat(grantedTo(s.policy(), APP)).as("revoked at the first poll after the valid file").isEmpty();
        assertThat(lastSuccessGauge()).isEqualTo(started + 360);

        // A new streak is reported again.
        publishOdd(RolesFileWatcherTest::mkfifo);
        assertThat(s.watcher().reloadNow()).isEqualTo(RolesFileWatcher.Outcome.UNREADABLE);
        assertThat(warnings()).hasSize(2);
    }

    @Test
    void invalidOrUnreadableFileStopsStartUpNamingIt() throws Exception {
        Path bad = publish(BAD_ARN);
        assertThatThrownBy(() -> start(bad, "1h")).hasMessageContaining("broker.roles-file=" + bad)
                .hasMessageContaining("roles.broken.arn='not-an-arn'");
        Path missing = dir.resolve("no-such.yaml");
        assertThatThrownBy(() -> start(missing, "1h")).hasMessageContaining("broker.roles-file=" + missing)
                .hasMessageContaining("cannot be read");
    }
}
