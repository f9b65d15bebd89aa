package io.stsbroker.audit;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.SizeRotatingFileHandler;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * {@code broker.audit.file}: every audit record also goes to this file, the record's JSON object as
 * the whole line, rotated by size with JBoss LogManager's {@link SizeRotatingFileHandler} (the
 * handler Quarkus's own {@code quarkus.log.file.rotation} uses), so the file and its backups stay
 * below {@code file-max-size x (file-backups + 1)}.
 *
 * <p>A handler of its own rather than a Quarkus named file handler: those are switched on by
 * their own properties, and one {@code broker.audit.file} that is either set or not is what a
 * deployment can get right.
 */
@Startup
@Singleton
public class AuditFile {

    /** The record's message is already one line of JSON: write it as it is. */
    static final String LINE_FORMAT = "%s%n";

    private final Optional<Handler> handler;

    AuditFile(BrokerConfig config) {
        BrokerConfig.Audit audit = config.audit();
        handler = audit.file().map(file -> open(file, audit.fileMaxSize().asLongValue(), audit.fileBackups()));
        handler.ifPresent(h -> Logger.getLogger(AuditLog.CATEGORY).addHandler(h));
    }

    static Handler open(String file, long maxSize, int backups) {
        if (maxSize < 1024) {
            throw new IllegalArgumentException("Invalid configuration broker.audit.file-max-size=" + maxSize
                    + ": must be at least 1K (one audit record must fit)");
        }
        if (backups < 1) {
            throw new IllegalArgumentException("Invalid configuration broker.audit.file-backups=" + backups
                    + ": must be at least 1 (with none, rotation would drop the records just written)");
        }
        Path path = Path.of(file).toAbsolutePath();
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("Invalid configuration broker.audit.file=" + LogText.escape(file)
                    + ": the directory " + LogText.escape(String.valueOf(dir)) + " does not exist or is not writable");
        }
        try {
            SizeRotatingFileHandler h = new SizeRotatingFileHandler(path.toFile(), true, maxSize, backups);
            h.setEncoding(StandardCharsets.UTF_8.name());
            h.setFormatter(new PatternFormatter(LINE_FORMAT));
            h.setAutoFlush(true);
            return h;
        } catch (FileNotFoundException | java.io.UnsupportedEncodingException e) {
            throw new IllegalArgumentException("Invalid configuration broker.audit.file=" + LogText.escape(file)
                    + ": cannot be opened for writing (" + e.getClass().getSimpleName() + ")");
        }
    }

    @PreDestroy
    void close() {
        handler.ifPresent(h -> {
            Logger.getLogger(AuditLog.CATEGORY).removeHandler(h);
            h.close();
        });
    }
}
