package io.stsbroker.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The time bound behind {@link RolesFileReader}: a read that blocks (here a FIFO opened directly,
 * as after a swap between the type check and the open) is given up on after the timeout; once
 * {@link RolesFileReader#MAX_STUCK} reads are blocked, further reads are skipped at once; when the
 * blocked reads are released, reading works again.
 */
class RolesFileReaderTest {

    @TempDir
    Path dir;

    @Test
    void blockedReadsAreGivenUpOnThenSkippedAndReadingRecoversOnceTheyAreReleased() throws Exception {
        RolesFileReader reader = new RolesFileReader(Duration.ofMillis(200));
        Path[] fifos = new Path[RolesFileReader.MAX_STUCK];
        for (int i = 0; i < fifos.length; i++) {
            fifos[i] = dir.resolve("fifo-" + i);
            RolesFileWatcherTest.mkfifo(fifos[i]);
            Path fifo = fifos[i];
            assertThatThrownBy(() -> reader.readBounded(fifo)).hasMessageContaining("not read within 200 ms");
        }
        Path regular = Files.writeString(dir.resolve("roles.yaml"), "roles: {}\n");
        assertThatThrownBy(() -> reader.read(regular)).hasMessageContaining("skipped")
                .hasMessageContaining(RolesFileReader.MAX_STUCK + " earlier read(s)");

        // A writer releases each blocked open; the abandoned reads then finish on their own threads.
        for (Path fifo : fifos) {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("x".getBytes(StandardCharsets.UTF_8));
            }
        }
        RolesFile.Raw raw = null;
        for (int attempt = 0; attempt < 100 && raw == null; attempt++) {
            try {
                raw = reader.read(regular);
            } catch (java.io.IOException skipped) {
                Thread.sleep(50); // the released threads finish asynchronously; no clock to move here
            }
        }
        assertThat(raw).isNotNull();
        assertThat(new String(raw.bytes(), StandardCharsets.UTF_8)).isEqualTo("roles: {}\n");
    }

    @Test
    void onlyRegularFilesAreOpened() throws Exception {
        RolesFileReader reader = new RolesFileReader(Duration.ofSeconds(30));
        Path fifo = dir.resolve("fifo");
        RolesFileWatcherTest.mkfifo(fifo);
        assertThatThrownBy(() -> reader.read(fifo)).hasMessageContaining("not a regular file (a FIFO, socket or device)");
        assertThatThrownBy(() -> reader.read(dir)).hasMessageContaining("not a regular file (a directory)");
        Path big = Files.write(dir.resolve("big.yaml"), new byte[RolesFile.MAX_BYTES + 1]);
        assertThatThrownBy(() -> reader.read(big)).hasMessageContaining("larger than " + RolesFile.MAX_BYTES);
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), Files.writeString(dir.resolve("real.yaml"), "roles: {}"));
        assertThat(reader.read(link).bytes()).hasSize(9);
    }
}
