package io.stsbroker.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code broker.audit.file}: a missing directory stops start-up naming the property; a record is the
 * whole line. (The size and backup checks are in config.BrokerConfigValidatorTest.)
 */
class AuditHandlersTest {

    @TempDir
    Path dir;

    @Test
    void aFileInAMissingDirectoryIsRefusedNamingTheProperty() {
        String file = dir.resolve("missing").resolve("audit.log").toString();
        assertThatThrownBy(() -> AuditHandlers.file(file, 10_000_000, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker.audit.file=" + file).hasMessageContaining("does not exist or is not writable");
    }

    @Test
    void theRecordsMessageIsTheWholeLine() throws Exception {
        Path file = dir.resolve("audit.log");
        Handler h = AuditHandlers.file(file.toString(), 10_000, 1);
        h.publish(new LogRecord(Level.INFO, "{\"event\":\"mint\"}"));
        h.close();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("{\"event\":\"mint\"}" + System.lineSeparator());
    }
}
