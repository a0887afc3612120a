package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.wal.WalArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checks {@code wal push} and the daemon's intake share on a WAL file PostgreSQL hands to
 * {@code archive_command}: that its name is one PostgreSQL archives, and its system identifier,
 * from the long header of a segment's first page ({@code xlp_sysid} at offset 24,
 * {@code xlp_magic} at 0), else from {@code global/pg_control} of the data directory the file
 * lives in (its first 8 bytes), both in the machine's byte order (little-endian on every platform
 * we build for).
 */
final class WalFiles {
    private static final int LONG_HEADER_SYSID = 24;
    /** {@code XLP_LONG_HEADER} in {@code xlp_info}. */
    private static final int XLP_LONG_HEADER = 0x0002;

    private WalFiles() {}

    /**
     * Refuses (exit code of {@code usage}) a name PostgreSQL does not archive: the caller was
     * handed something other than {@code %p}. {@code hint} says where {@code %p} should go.
     */
    static void requireWalFileName(String name, String hint) {
        if (!WalArchive.isWalFileName(name)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + name + "' is not a WAL file name", hint);
        }
    }

    /**
     * The system identifier in the header of the file named {@code name}, if it is a segment (24
     * hex digits) with a long header; history and backup files have none.
     */
    static Optional<String> systemIdOfHeader(String name, byte[] content) {
        return name.length() == 24 ? systemIdOfSegment(content) : Optional.empty();
    }

    private static Optional<String> systemIdOfSegment(byte[] segment) {
        if (segment.length < LONG_HEADER_SYSID + 8) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        if ((b.getShort(2) & XLP_LONG_HEADER) == 0) {
            return Optional.empty();
        }
        long sysid = b.getLong(LONG_HEADER_SYSID);
        return sysid == 0 ? Optional.empty() : Optional.of(Long.toUnsignedString(sysid));
    }

    /** The system identifier in {@code <dataDir>/global/pg_control}, if that file is there. */
    static Optional<String> systemIdOfDataDir(Path dataDir) {
        Path control = dataDir.resolve("global").resolve("pg_control");
        if (!Files.isRegularFile(control)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(control)) {
            byte[] first = in.readNBytes(8);
            if (first.length < 8) {
                return Optional.empty();
            }
            return Optional.of(Long.toUnsignedString(ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong()));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot read " + control + ": " + e.getMessage(),
                    "run the command in the data directory as the server's OS user, or pass --system-id", e);
        }
    }

    /** The data directory of a file PostgreSQL names as {@code pg_wal/X} relative to it. */
    static Path dataDirOf(Path walPath) {
        Path abs = walPath.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent != null && parent.getParent() != null ? parent.getParent() : Path.of("").toAbsolutePath();
    }
}
