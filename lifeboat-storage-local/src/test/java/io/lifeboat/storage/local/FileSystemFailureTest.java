package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class FileSystemFailureTest {
    private static final Path ROOT = Path.of("/srv/backup/repo");

    @Test
    void diskFullIsNotRetryableAndSaysToFreeSpace() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full (Linux)");
        IOException real = catchThrowableOfType(IOException.class, () -> {
            try (FileChannel channel = FileChannel.open(full, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[4096]));
                channel.force(true);
            }
        });

        LifeboatException error = FileSystemFailure.of(real, "write data/3f/3fa2", ROOT);

        assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_IO);
        assertThat(error.retryable()).isFalse();
        assertThat(error.getMessage()).isEqualTo("cannot write data/3f/3fa2 in /srv/backup/repo: No space left on device");
        assertThat(error.hint()).contains("free space", "/srv/backup/repo", "lifeboat forget --prune");
        assertThat(error.getCause()).isSameAs(real);
    }

    @Test
    void permissionDeniedIsNotRetryable() {
        LifeboatException error = FileSystemFailure.of(new AccessDeniedException("/srv/backup/repo/keys/.tmp-1"),
                "write keys/k1", ROOT);

        assertThat(error.retryable()).isFalse();
        assertThat(error.getMessage()).isEqualTo("cannot write keys/k1 in /srv/backup/repo: Permission denied");
        assertThat(error.hint()).contains("owned and writable");
    }

    @Test
    void permanentConditionsAreNotRetryable() {
        for (String reason : new String[] {"Read-only file system", "Disk quota exceeded", "Not a directory",
                "File name too long", "Operation not permitted"}) {
            LifeboatException error = FileSystemFailure.of(new FileSystemException("/x", null, reason), "write x", ROOT);
            assertThat(error.retryable()).as(reason).isFalse();
            assertThat(error.getMessage()).endsWith(": " + reason);
        }
    }

    @Test
    void otherFailuresAreRetryable() {
        for (String reason : new String[] {"Input/output error", "Stale file handle", "Too many open files",
                "Connection timed out"}) {
            LifeboatException error = FileSystemFailure.of(new FileSystemException("/x", null, reason), "read x", ROOT);
            assertThat(error.retryable()).as(reason).isTrue();
            assertThat(error.hint()).contains("dmesg");
        }
    }

    @Test
    void interruptionIsInterruptedNotStorageIo() {
        LifeboatException error = FileSystemFailure.of(new ClosedByInterruptException(), "write x", ROOT);

        assertThat(error.code()).isEqualTo(ErrorCode.INTERRUPTED);
        assertThat(error.retryable()).isFalse();
    }

    @Test
    void missingFilesAndFoldersInTheWayMeanNoObject() {
        assertThat(FileSystemFailure.isMissing(new NoSuchFileException("/x"))).isTrue();
        assertThat(FileSystemFailure.isMissing(new FileSystemException("/x/y", null, "Not a directory"))).isTrue();
        assertThat(FileSystemFailure.isMissing(new IOException("Is a directory"))).isTrue();
        assertThat(FileSystemFailure.isMissing(new IOException("Input/output error"))).isFalse();
        assertThat(FileSystemFailure.isMissing(new AccessDeniedException("/x"))).isFalse();
    }

    @Test
    void refusedHardLinksAreRecognized() {
        assertThat(LocalStorage.refusesHardLinks(new FileSystemException("/a", "/b", "Operation not permitted"))).isTrue();
        assertThat(LocalStorage.refusesHardLinks(new FileSystemException("/a", "/b", "Operation not supported"))).isTrue();
        assertThat(LocalStorage.refusesHardLinks(new AccessDeniedException("/a", "/b", "Permission denied"))).isFalse();
        assertThat(LocalStorage.refusesHardLinks(new FileSystemException("/a", "/b", "No space left on device"))).isFalse();
    }
}
