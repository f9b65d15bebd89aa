package io.stsbroker.tracing;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;

/** Every log record of the application while open, with the MDC as the writing thread saw it. */
final class LogCapture extends Handler implements AutoCloseable {

    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();

    static LogCapture open() {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord r) {
        ExtLogRecord e = (ExtLogRecord) r;
        e.copyAll();
        records.add(e);
    }

    /** The mint audit record of the request {@code requestId}, once written. */
    ExtLogRecord awaitMint(String requestId) {
        return await().until(() -> records.stream()
                .filter(r -> r.getLoggerName().equals("broker.audit"))
                .filter(r -> r.getFormattedMessage().contains(requestId) && r.getFormattedMessage().contains("\"mint\""))
                .findFirst().orElse(null), r -> r != null);
    }

    List<ExtLogRecord> records() {
        return records;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
