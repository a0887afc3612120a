package io.lifeboat.qdrant.standin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The server's snapshot folder: {@code <root>/<collection>/<name>.snapshot} with its SHA-256 in
 * {@code <name>.snapshot.checksum}, as Qdrant keeps them. Files are written to a temporary name
 * and renamed, so a listing never shows half a snapshot. Names that would leave the folder are
 * treated as not found.
 */
final class SnapshotStore {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");
    private static final DateTimeFormatter CREATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Path root;

    /** What the API tells about one snapshot file. */
    record Description(String name, String creationTime, long size, String checksum) {}

    /** A snapshot body writer: gets a stream, writes the whole file into it. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    SnapshotStore(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    static String name(String collection, long peerId, Instant time) {
        return collection + "-" + peerId + "-" + NAME_TIME.format(LocalDateTime.ofInstant(time, ZoneOffset.UTC)) + ".snapshot";
    }

    /** Writes a snapshot file with its checksum; returns its description. Same name: replaced, as on a real server. */
    Description write(String collection, String name, Instant time, Writer body) throws IOException {
        Path dir = Files.createDirectories(folder(collection));
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        MessageDigest sha = SnapshotArchive.sha256();
        try {
            try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha)) {
                body.write(out);
            }
            String checksum = HexFormat.of().formatHex(sha.digest());
            Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(time));
            Path target = dir.resolve(name);
            synchronized (this) { // file and checksum of one name change together
                Files.writeString(dir.resolve(name + ".checksum"), checksum, StandardCharsets.US_ASCII);
                move(tmp, target);
                return describe(target).orElseThrow();
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves a finished file (on the same file system) into a collection's folder under {@code name}. */
    Path adopt(String collection, String name, Path file, String checksum) throws IOException {
        Path dir = Files.createDirectories(folder(collection));
        Path target = dir.resolve(name);
        synchronized (this) {
            Files.writeString(dir.resolve(name + ".checksum"), checksum, StandardCharsets.US_ASCII);
            move(file, target);
        }
        return target;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    List<Description> list(String collection) throws IOException {
        List<Description> out = new ArrayList<>();
        Path dir = folder(collection);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.snapshot")) {
            for (Path f : files) {
                describe(f).ifPresent(out::add);
            }
        }
        out.sort(java.util.Comparator.comparing(Description::name));
        return out;
    }

    /** The file of a snapshot, or empty when there is none (or the name tries to leave the folder). */
    Optional<Path> file(String collection, String name) {
        if (!safe(collection) || !safe(name)) {
            return Optional.empty();
        }
        Path f = folder(collection).resolve(name);
        return Files.isRegularFile(f) && f.normalize().startsWith(root) ? Optional.of(f) : Optional.empty();
    }

    Optional<Description> describe(String collection, String name) {
        return file(collection, name).flatMap(f -> {
            try {
                return describe(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    synchronized boolean delete(String collection, String name) throws IOException {
        Optional<Path> f = file(collection, name);
        if (f.isEmpty()) {
            return false;
        }
        Files.deleteIfExists(f.get().resolveSibling(name + ".checksum"));
        Files.deleteIfExists(f.get());
        return true;
    }

    /** Every snapshot file of every collection (for tests: stray snapshots on the server). */
    List<Path> allFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var walk = Files.walk(root)) {
            walk.filter(p -> p.getFileName().toString().endsWith(".snapshot") && Files.isRegularFile(p)).forEach(out::add);
        }
        return out;
    }

    private Path folder(String collection) {
        if (!safe(collection)) {
            throw ApiError.collectionNotFound(collection);
        }
        return root.resolve(collection);
    }

    static boolean safe(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0 && !name.startsWith(".tmp-");
    }

    private static Optional<Description> describe(Path f) throws IOException {
        long size;
        Instant modified;
        try {
            size = Files.size(f);
            modified = Files.getLastModifiedTime(f).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String checksum = null;
        Path sum = f.resolveSibling(f.getFileName() + ".checksum");
        try {
            checksum = Files.readString(sum, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            // a real server lists snapshots without a checksum file with checksum null
        }
        return Optional.of(new Description(f.getFileName().toString(),
                CREATION_TIME.format(LocalDateTime.ofInstant(modified.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)),
                size, checksum));
    }
}
