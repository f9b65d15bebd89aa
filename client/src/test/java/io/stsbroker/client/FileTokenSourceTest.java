package io.stsbroker.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class FileTokenSourceTest {
    @TempDir
    Path dir;

    @Test
    void rewrittenTokenFileIsPickedUpOnTheNextCall() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "token-one");
        TokenSource source = TokenSource.ofFile(file);
        assertThat(source.token()).isEqualTo("token-one");

        // Same length, same second: a modification-time check could miss this rewrite.
        Files.writeString(file, "token-two");

        assertThat(source.token()).isEqualTo("token-two");
    }

    @Test
    void kubeletStyleSymlinkSwapIsPickedUpOnTheNextCall() throws Exception {
        // The kubelet writes a new ..data directory and swaps a symlink to it atomically.
        Path first = Files.createDirectory(dir.resolve("..2026_11_27_1"));
        Files.writeString(first.resolve("token"), "rotated-0");
        Path second = Files.createDirectory(dir.resolve("..2026_11_27_2"));
        Files.writeString(second.resolve("token"), "rotated-1");
        Path data = Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path token = Files.createSymbolicLink(dir.resolve("token"), Path.of("..data", "token"));
        TokenSource source = TokenSource.ofFile(token);
        assertThat(source.token()).isEqualTo("rotated-0");

        Path staging = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(staging, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertThat(source.token()).isEqualTo("rotated-1");
    }

    @Test
    void missingFileFailsNamingThePathAndTheVariable() {
        Path missing = dir.resolve("absent");

        assertThatThrownBy(() -> TokenSource.ofFile(missing).token())
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("STS_BROKER_TOKEN_FILE");
    }

    @Test
    void emptyFileFailsNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), " \n");

        assertThatThrownBy(() -> TokenSource.ofFile(file).token())
                .isInstanceOf(BrokerConfigurationException.class)
                .hasMessage("The bearer token from token file " + file + " is empty.");
    }

    @Test
    void oversizedFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "x".repeat(70_000));

        assertThatThrownBy(() -> TokenSource.ofFile(file).token()).hasMessageContaining("larger than");
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("token-fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        TokenSource source = TokenSource.ofFile(fifo);

        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () ->
                assertThatThrownBy(source::token).isInstanceOf(BrokerConfigurationException.class)
                        .hasMessageContaining("is not a regular file"));
    }

    @Test
    void endlessDeviceIsRefusedWithoutReadingIt() {
        TokenSource source = TokenSource.ofFile(Path.of("/dev/zero"));

        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () ->
                assertThatThrownBy(source::token).isInstanceOf(BrokerConfigurationException.class)
                        .hasMessageContaining("is not a regular file"));
    }

    @Test
    void symlinkToAFifoIsRefusedToo() throws Exception {
        Path fifo = dir.resolve("real-fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path link = Files.createSymbolicLink(dir.resolve("token"), fifo);

        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> TokenSource.ofFile(link).token()).isInstanceOf(BrokerConfigurationException.class)
                        .hasMessageContaining("is not a regular file"));
    }

    @Test
    void readNeverGoesBeyondTheLimitPlusOneByte() throws Exception {
        Path big = Files.write(dir.resolve("big"), new byte[64 * 1024 + 1]);
        Path fits = Files.writeString(dir.resolve("fits"), "a".repeat(64 * 1024));

        assertThat(io.stsbroker.client.internal.BoundedFiles.read(fits, 64 * 1024)).hasSize(64 * 1024);
        assertThatThrownBy(() -> io.stsbroker.client.internal.BoundedFiles.read(big, 64 * 1024))
                .hasMessageContaining("is larger than 65536 bytes");
    }
}
