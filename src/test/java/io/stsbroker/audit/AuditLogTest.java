package io.stsbroker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** An audit line is one line whatever its values hold, and still reads back to exactly those values. */
class AuditLogTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        Logger.getLogger("broker.audit").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("broker.audit").removeHandler(capture);
    }

    @Test
    void separatorsControlsAndBidiCharactersAreEscapedAndTheValueRoundTrips() throws Exception {
        String hostile = "alice\n{\"event\":\"mint\"}\r\u2028\u2029\u001b[31m\u007f\u0085\u202e\u2066\\\"end";
        new AuditLog(new MutableClock()).record(AuditEvent.of(AuditEvent.Type.INVALIDATE, "Success").requestId("req-1")
                .caller(hostile).target(hostile).role(hostile).reason(hostile).build());
        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line.chars().filter(c -> LogText.unsafe((char) c) && c != '\\')).as("raw unsafe characters").isEmpty();
        assertThat(line).contains("\\u2028", "\\u2029", "\\u001B", "\\u007F", "\\u0085", "\\u202E", "\\u2066");
        JsonNode n = new ObjectMapper().readTree(line);
        assertThat(n.path("caller").asText()).isEqualTo(hostile);
        assertThat(n.path("target").asText()).isEqualTo(hostile);
        assertThat(n.path("role").asText()).isEqualTo(hostile);
        assertThat(n.path("reason").asText()).isEqualTo(hostile);
    }
}
