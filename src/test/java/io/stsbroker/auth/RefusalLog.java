package io.stsbroker.auth;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The lines {@link AuthRefusals} logs while open, as formatted (the application runs in the test's JVM). */
final class RefusalLog implements AutoCloseable {

    private final Logger logger = Logger.getLogger(AuthRefusals.class.getName());
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLevel() + " " + (r instanceof ExtLogRecord e ? e.getFormattedMessage() : r.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    RefusalLog() {
        logger.addHandler(handler);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines naming this request id. */
    List<String> forRequest(String requestId) {
        return lines.stream().filter(l -> l.contains(" request=" + requestId + " ")).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
