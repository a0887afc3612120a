package io.lifeboat.source.postgres.physical;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The local directory where {@code wal receive} writes the segment it is receiving, as
 * {@code <segment>.partial} with the bytes at their offsets in the segment. At most one such file
 * exists; the file named {@code system} records the PostgreSQL system the spool belongs to, and
 * {@code lock} is held (an OS file lock) while a receiver uses the spool, so two receivers never
 * write into one. Not thread safe: the receiver's single thread owns it.
 */
public final class WalSpool implements AutoCloseable {
    private static final String SUFFIX = ".partial";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel file;
    private String segment;
    private long length;

    private WalSpool(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating, mode 0700) and locks the spool directory. */
    public static WalSpool open(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new LifeboatException(ErrorCode.REPOSITORY_LOCKED, "another 'wal receive' uses the spool " + dir,
                        "run one receiver per spool directory (and per replication slot)");
            }
            return new WalSpool(dir, ch, l);
        } catch (IOException e) {
            throw io("cannot open the WAL spool " + dir, e);
        }
    }

    public Path directory() {
        return dir;
    }

    /**
     * Ties the spool to {@code systemId}: records it in a new spool, refuses a spool of another
     * system.
     */
    public void claim(String systemId) {
        Path f = dir.resolve("system");
        try {
            if (Files.exists(f)) {
                String recorded = Files.readString(f, StandardCharsets.US_ASCII).strip();
                if (!recorded.equals(systemId)) {
                    throw new LifeboatException(ErrorCode.REFUSED, "the spool " + dir + " holds WAL of PostgreSQL system "
                            + recorded + ", not of system " + systemId, "give every server its own --spool directory");
                }
                return;
            }
            Files.writeString(f, systemId + "\n", StandardCharsets.US_ASCII);
            syncDirectory();
        } catch (IOException e) {
            throw io("cannot record the system of the WAL spool " + dir, e);
        }
    }

    /** The segment a previous run left in the spool, with the bytes it holds. */
    public Optional<Leftover> leftover() {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            Leftover best = null;
            for (Path p : s) {
                String name = p.getFileName().toString();
                name = name.substring(0, name.length() - SUFFIX.length());
                if (name.matches("[0-9A-F]{24}") && (best == null || name.compareTo(best.segment()) > 0)) {
                    best = new Leftover(name, Files.size(p));
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException e) {
            throw io("cannot list the WAL spool " + dir, e);
        }
    }

    /** A segment file found in the spool at start. */
    public record Leftover(String segment, long length) {}

    /** The content of a leftover segment, zero-filled to {@code segmentSize}. */
    public byte[] readLeftover(Leftover l, long segmentSize) {
        try (FileChannel ch = FileChannel.open(dir.resolve(l.segment() + SUFFIX), StandardOpenOption.READ)) {
            return readPadded(ch, segmentSize);
        } catch (IOException e) {
            throw io("cannot read " + l.segment() + SUFFIX + " in the WAL spool " + dir, e);
        }
    }

    /**
     * Starts receiving {@code name} from its first byte: the file is created empty (an older copy
     * of it is truncated, since the segment is streamed again from its start) and every other
     * segment file is removed.
     */
    public void begin(String name) {
        try {
            closeFile();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path p : s) {
                    if (!p.getFileName().toString().equals(name + SUFFIX)) {
                        Files.delete(p);
                    }
                }
            }
            file = FileChannel.open(dir.resolve(name + SUFFIX), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            segment = name;
            length = 0;
            syncDirectory();
        } catch (IOException e) {
            throw io("cannot start " + name + SUFFIX + " in the WAL spool " + dir, e);
        }
    }

    /** The segment being received, or null before {@link #begin}. */
    public String segment() {
        return segment;
    }

    /** Bytes received into the current segment (the end of the furthest write). */
    public long length() {
        return length;
    }

    /** Writes {@code data} at {@code offset} of the current segment. */
    public void write(long offset, ByteBuffer data) {
        try {
            long at = offset;
            while (data.hasRemaining()) {
                at += file.write(data, at);
            }
            length = Math.max(length, at);
        } catch (IOException e) {
            throw io("cannot write to " + segment + SUFFIX + " in the WAL spool " + dir + " (disk full?)", e);
        }
    }

    /** Makes everything written so far durable. */
    public void sync() {
        try {
            file.force(false);
        } catch (IOException e) {
            throw io("cannot fsync " + segment + SUFFIX + " in the WAL spool " + dir, e);
        }
    }

    /** The current segment's content, zero-filled to {@code segmentSize}. */
    public byte[] read(long segmentSize) {
        try {
            return readPadded(file, segmentSize);
        } catch (IOException e) {
            throw io("cannot read " + segment + SUFFIX + " in the WAL spool " + dir, e);
        }
    }

    private static byte[] readPadded(FileChannel ch, long segmentSize) throws IOException {
        byte[] out = new byte[Math.toIntExact(segmentSize)];
        ByteBuffer b = ByteBuffer.wrap(out, 0, (int) Math.min(ch.size(), segmentSize));
        long pos = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return out;
    }

    private void closeFile() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static LifeboatException io(String message, IOException e) {
        return new LifeboatException(ErrorCode.STORAGE_IO, message + ": " + e.getMessage(),
                "check free space and permissions of the --spool directory", e);
    }

    @Override
    public void close() {
        try {
            closeFile();
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // Closing releases the lock in any case; nothing else is held.
        }
    }
}
