package io.stsbroker.audit;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.jboss.logmanager.handlers.SizeRotatingFileHandler;

import java.io.FileNotFoundException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Where audit records go besides (or instead of) the application's log: with
 * {@code broker.audit.console=lines} each record's JSON object is a bare line on standard output,
 * and the {@code broker.audit} category no longer reaches the application's handlers; with
 * {@code broker.audit.file} every record also goes to that file, rotated by size with JBoss
 * LogManager's {@link SizeRotatingFileHandler} (what Quarkus's own {@code quarkus.log.file.rotation}
 * uses), so the file and its backups stay below {@code (file-max-size + one record) x (file-backups + 1)}
 * (the handler rotates before a write once the file has reached the size).
 *
 * <p>Handlers of our own rather than Quarkus named handlers: with quarkus-logging-json every
 * console handler, named ones too, formats JSON, which would put the record inside a
 * {@code "message"} string; and a named file handler is switched on by properties of its own,
 * where one {@code broker.audit.file}, set or not, is what a deployment can get right.
 */
@Startup
@Singleton
public class AuditHandlers {

    /** The record's message is already one line of JSON (AuditLog escapes every line break): write it as it is. */
    static final String LINE_FORMAT = "%s%n";

    private final List<Handler> handlers = new ArrayList<>();

    AuditHandlers(BrokerConfig config) {
        BrokerConfig.Audit audit = config.audit();
        audit.file().ifPresent(file -> handlers.add(file(file, audit.fileMaxSize().asLongValue(), audit.fileBackups())));
        Logger category = Logger.getLogger(AuditLog.CATEGORY);
        if (audit.console() == BrokerConfig.Audit.AuditConsole.LINES) {
            ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_OUT, new PatternFormatter(LINE_FORMAT));
            console.setAutoFlush(true);
            handlers.add(console);
            category.setUseParentHandlers(false);
        }
        handlers.forEach(category::addHandler);
    }

    /**
     * The rotating file handler; {@code maxSize} (at least 1K) and {@code backups} (at least 1) were
     * checked at start-up by {@code config.BrokerConfigValidator}. The directory and the file are
     * checked here, where they are opened.
     */
    static Handler file(String file, long maxSize, int backups) {
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
        } catch (FileNotFoundException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("Invalid configuration broker.audit.file=" + LogText.escape(file)
                    + ": cannot be opened for writing (" + e.getClass().getSimpleName() + ")");
        }
    }

    @PreDestroy
    void close() {
        Logger category = Logger.getLogger(AuditLog.CATEGORY);
        for (Handler h : handlers) {
            category.removeHandler(h);
            h.close();
        }
        category.setUseParentHandlers(true); // a record written later still reaches the log
    }
}
