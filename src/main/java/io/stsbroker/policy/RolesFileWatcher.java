package io.stsbroker.policy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.audit.LogText;
import io.stsbroker.config.BrokerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the catalogue in step with {@code broker.roles-file} without a restart: every
 * {@code broker.roles-file-poll-interval} the file is read whole and its SHA-256 compared with the
 * version in force; a changed file is validated exactly as at start-up and then replaces the
 * catalogue, so the next request is authorized against it.
 *
 * <p>Polling the content rather than watching the file is deliberate: Kubernetes updates a mounted
 * ConfigMap by swapping a {@code ..data} symbolic link, which a {@code WatchService} on the file
 * never reports, and a content hash also ignores touches that change nothing.
 *
 * <p>Only a regular file is read (after following links), with a bounded size and read time
 * ({@link RolesFileReader}): a FIFO, a directory or a hung read cannot stall reloads.
 *
 * <p><b>Note:</b> an invalid or unreadable file never empties the catalogue: the previous one
 * stays in force. An invalid version is logged at ERROR once per distinct bad version (and
 * audited); a file that cannot be read (missing, not a regular file, too large, not read in time)
 * is logged at WARN once per streak of failed reads. {@code broker_roles_file_last_success_timestamp_seconds}
 * is the last time the file was read and found to be the version in force (start-up, a reload, or
 * an unchanged poll), so an alert can fire when it stops advancing.
 */
@Startup
@Singleton
public class RolesFileWatcher {

    private static final Logger LOG = Logger.getLogger(RolesFileWatcher.class);

    /** What one look at the file did. */
    public enum Outcome {
        /** {@code broker.roles-file} is not set. */
        DISABLED,
        /** The content is the version in force (or the version last refused). */
        UNCHANGED,
        /** A new valid version is now in force. */
        RELOADED,
        /** A new version is invalid; the previous catalogue stays in force. */
        REJECTED,
        /**
         * The file cannot be read (missing, permissions, not a regular file, too large, not read in
         * time, or skipped while earlier reads are blocked); the previous catalogue stays in force.
         */
        UNREADABLE
    }

    private final BrokerConfig config;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final MeterRegistry meters;
    private final Path path;
    private final ScheduledExecutorService poller;
    private final Clock clock;
    /** Unix seconds of the last read that found the version in force; the gauge reads it. */
    private final AtomicLong lastSuccess = new AtomicLong();
    private String rejectedHash;
    private boolean unreadableReported;

    RolesFileWatcher(BrokerConfig config, AccessPolicy policy, AuditLog audit, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.policy = policy;
        this.audit = audit;
        this.meters = meters;
        this.clock = clock;
        this.path = config.rolesFile().map(Path::of).orElse(null);
        if (path == null) {
            poller = null;
            return;
        }
        // AccessPolicy has just read the file successfully, or start-up would have stopped.
        lastSuccess.set(clock.instant().getEpochSecond());
        Gauge.builder("broker.roles_file.last_success_timestamp", lastSuccess, AtomicLong::get)
                .baseUnit("seconds")
                .description("Unix time of the last read of broker.roles-file that found the version in force")
                .register(meters);
        Duration every = config.rolesFilePollInterval();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-roles-file");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("Watching %s for role catalogue changes every %s", path, every);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void poll() {
        try {
            reloadNow();
        } catch (RuntimeException e) {
            // Never let the scheduler die: it would stop all later reloads silently.
            LOG.errorf("Role catalogue file check failed unexpectedly: %s", e.getClass().getName());
        }
    }

    /**
     * Looks at the file now (the poller does the same on its schedule): reloads it when its content
     * changed and is valid. Synchronous and serialized with the poller, so tests can drive it.
     */
    public synchronized Outcome reloadNow() {
        if (path == null) {
            return Outcome.DISABLED;
        }
        RolesFile.Raw raw;
        try {
            raw = RolesFile.read(path);
        } catch (IOException e) {
            if (!unreadableReported) {
                // Once per streak of failed reads: a file that stays unreadable does not flood the log.
                unreadableReported = true;
                LOG.warnf("Role catalogue file %s cannot be read (%s: %s); keeping the current catalogue of %d role(s)"
                                + " until a read succeeds", path, e.getClass().getSimpleName(), LogText.escape(e.getMessage()),
                        policy.catalogue().size());
                count("unreadable");
            }
            return Outcome.UNREADABLE;
        }
        if (unreadableReported) {
            unreadableReported = false;
            LOG.infof("Role catalogue file %s can be read again", path);
        }
        RoleCatalogue current = policy.catalogue();
        if (current.fileHash().filter(raw.sha256()::equals).isPresent()) {
            rejectedHash = null;
            lastSuccess.set(clock.instant().getEpochSecond());
            return Outcome.UNCHANGED;
        }
        if (raw.sha256().equals(rejectedHash)) {
            return Outcome.UNCHANGED;
        }
        RoleCatalogue next;
        try {
            next = RoleCatalogue.from(config, RolesFile.parse(raw));
        } catch (IllegalArgumentException e) {
            rejectedHash = raw.sha256();
            LOG.errorf("Role catalogue file %s rejected, keeping the current catalogue of %d role(s): %s",
                    path, current.size(), LogText.escape(e.getMessage()));
            audit.record(AuditEvent.of(AuditEvent.Type.ROLES_RELOAD, "Rejected").reason(e.getMessage()).build());
            count("rejected");
            return Outcome.REJECTED;
        }
        rejectedHash = null;
        policy.replace(next);
        lastSuccess.set(clock.instant().getEpochSecond());
        String changes = changes(current, next);
        LOG.infof("Role catalogue reloaded from %s: %d role(s); %s", path, next.size(), LogText.escape(changes));
        audit.record(AuditEvent.of(AuditEvent.Type.ROLES_RELOAD, "Success")
                .reason(next.size() + " role(s); " + changes).build());
        count("success");
        return Outcome.RELOADED;
    }

    private void count(String result) {
        meters.counter("broker.roles.reloads", "result", result).increment();
    }

    /** Which role names appeared, disappeared or changed (grants, ARN, duration, policy, external id). */
    static String changes(RoleCatalogue before, RoleCatalogue after) {
        Map<String, String> a = describe(before);
        Map<String, String> b = describe(after);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        b.forEach((name, d) -> {
            if (!a.containsKey(name)) {
                added.add(name);
            } else if (!Objects.equals(a.get(name), d)) {
                changed.add(name);
            }
        });
        a.keySet().stream().filter(n -> !b.containsKey(n)).forEach(removed::add);
        return "added " + added + ", removed " + removed + ", changed " + changed;
    }

    private static Map<String, String> describe(RoleCatalogue catalogue) {
        Map<String, String> out = new TreeMap<>();
        for (Role r : catalogue.all()) {
            out.put(r.name(), r.arn() + "|" + r.duration() + "|" + r.policy() + "|" + r.externalId() + "|" + r.allow());
        }
        return out;
    }
}
