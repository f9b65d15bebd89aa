package io.stsbroker.vending;

import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** One WARN line per interval for a flood, carrying how many occurrences it covers. */
class ThrottledLogTest {

    private final String name = "test.throttled." + System.identityHashCode(this);
    private final java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
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

    ThrottledLogTest() {
        jul.addHandler(handler);
    }

    @AfterEach
    void removeHandler() {
        jul.removeHandler(handler);
    }

    @Test
    void theFirstOccurrenceIsLoggedAtOnceAndTheRestOfTheIntervalIsNot() {
        ThrottledLog log = new ThrottledLog(Logger.getLogger(name), Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            log.warn("refused %s (%d)", "sts");
        }
        assertThat(lines).containsExactly("WARN refused sts (1)");
    }

    @Test
    void aLineAfterTheIntervalReportsEveryOccurrenceSinceTheLastLine() {
        ThrottledLog log = new ThrottledLog(Logger.getLogger(name), Duration.ZERO);
        log.warn("refused %s (%d)", "a");
        log.warn("refused %s (%d)", "b");
        assertThat(lines).containsExactly("WARN refused a (1)", "WARN refused b (1)");
    }
}
