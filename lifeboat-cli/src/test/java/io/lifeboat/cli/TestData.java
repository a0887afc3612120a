package io.lifeboat.cli;

import io.lifeboat.testkit.data.SparseRandomStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Test data on disk: written fast, hashed, measured and removed. Every byte comes from a
 * {@link SplittableRandom} seeded by the caller, so a failure reproduces from the seed; the
 * generator's stream runs on from block to block, so no two blocks of a file (and, with different
 * seeds, no two files) deduplicate against each other. Each write returns the SHA-256 of what it
 * wrote, computed on the way, so a test never reads a big source file twice.
 */
final class TestData {
    static final int BLOCK = 8 << 20;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private TestData() {}

    /** Writes {@code size} random, incompressible bytes to {@code file}; returns their SHA-256 (hex). */
    static String write(Path file, long size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[(int) Math.min(BLOCK, size)];
        return writeBlocks(file, size, block, b -> random.nextBytes(b));
    }

    /**
     * Writes {@code size} bytes in 1 MiB units of {@code randomPerMib} random bytes followed by
     * zeros: unique everywhere (no unit deduplicates against another), yet compressible, so a
     * repository holding it stays small while the chunker still reads every byte.
     */
    static String writeCompressible(Path file, long size, long seed, int randomPerMib) {
        SparseRandomStream in = new SparseRandomStream(size, seed, mib -> randomPerMib);
        return writeBlocks(file, size, new byte[(int) Math.min(BLOCK, size)], b -> {
            int off = 0;
            for (int n; off < b.length && (n = in.read(b, off, b.length - off)) > 0;) {
                off += n;
            }
        });
    }

    /** {@code size} random bytes in memory, for small files. */
    static byte[] bytes(int size, SplittableRandom random) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    static String sha256(Path file) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[BLOCK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    /** Total bytes of the regular files below {@code root} (what {@code du --apparent-size} says). */
    static long bytesUnder(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Number of stored objects below a repository folder: regular files whose names do not start
     * with a dot (a killed process may leave LocalStorage's {@code .tmp-} files). 0 if it does not exist.
     */
    static long objectsUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code root} and everything below it, if it exists (for trees too big to leave to @TempDir). */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private interface Filler {
        void fill(byte[] block);
    }

    private static String writeBlocks(Path file, long size, byte[] block, Filler filler) {
        MessageDigest digest = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < size;) {
                filler.fill(block);
                int n = (int) Math.min(block.length, size - written);
                digest.update(block, 0, n);
                ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                written += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
