package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Collection snapshots as tar files, laid out like Qdrant's: {@code config.json} (the collection
 * config) at the top, and per shard {@code N/} with {@code replica_state.json},
 * {@code shard_config.json}, {@code newest_clocks.json}, {@code wal/} and {@code segments/}.
 * Qdrant's segments hold its own binary storage; the stand-in's segments hold
 * {@code segment.json} and {@code points.bin} instead, which only the stand-in reads back:
 * a real server's snapshot can be listed and read entry by entry ({@link #entries}), but not
 * recovered into the stand-in.
 *
 * <p>{@code points.bin}, big-endian, one record per point: id kind (0 number, 1 UUID), the id
 * (8 or 16 bytes), the number of vectors (u16), then per vector its name (u16 length and
 * UTF-8), dimension (u32) and float32 values, then the payload as JSON
 * (length, -1 for none, and UTF-8 bytes). A segment holds at most {@link #SEGMENT_BYTES} so
 * that writing a snapshot needs bounded memory. Given the same points, config and time, the
 * archive is byte for byte the same, as an unchanged collection's snapshot nearly is on a real
 * server.
 */
public final class SnapshotArchive {
    static final int SEGMENT_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEGMENT = Pattern.compile("(\\d+)/segments/[^/]+/points\\.bin");

    private SnapshotArchive() {}

    /** What a snapshot restores: the collection config and its points. */
    public record Contents(CollectionConfig config, List<Point> points) {}

    /** One tar entry as found in an archive; {@code sha256} of its (expanded) content. */
    public record Entry(String name, char type, long size, boolean sparse, Instant modified, String sha256) {}

    /** Writes a snapshot of {@code points} (in id order) to {@code out}; does not close it. */
    static void write(CollectionConfig config, List<Point> points, long peerId, Instant time, OutputStream out)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        file(tar, "config.json", JSON.writeValueAsBytes(config.json()), time);
        List<List<Point>> shards = new ArrayList<>();
        for (int s = 0; s < config.shardNumber(); s++) {
            shards.add(new ArrayList<>());
        }
        for (Point p : points) {
            shards.get(shardOf(p.id(), config.shardNumber())).add(p);
        }
        for (int s = 0; s < shards.size(); s++) {
            String dir = s + "/";
            directory(tar, dir, time);
            file(tar, dir + "replica_state.json", ("{\"is_local\":true,\"this_peer_id\":" + peerId + ",\"peers\":{\""
                    + peerId + "\":\"Active\"}}").getBytes(StandardCharsets.UTF_8), time);
            file(tar, dir + "shard_config.json", "{\"type\":\"ReplicaSet\"}".getBytes(StandardCharsets.UTF_8), time);
            file(tar, dir + "newest_clocks.json", "{\"clocks\":[]}".getBytes(StandardCharsets.UTF_8), time);
            directory(tar, dir + "wal/", time);
            directory(tar, dir + "segments/", time);
            writeSegments(tar, dir + "segments/", shards.get(s), time);
        }
        tar.finish();
        tar.flush();
    }

    static int shardOf(PointId id, int shards) {
        return shards == 1 ? 0 : Math.floorMod(id.hashCode(), shards);
    }

    private static void writeSegments(TarArchiveOutputStream tar, String dir, List<Point> points, Instant time)
            throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
        ByteBuffer record = ByteBuffer.allocate(1 << 16);
        int segment = 0;
        int inSegment = 0;
        for (Point p : points) {
            record = encode(p, record);
            buffer.write(record.array(), 0, record.position());
            inSegment++;
            if (buffer.size() >= SEGMENT_BYTES) {
                segment(tar, dir, segment++, inSegment, buffer, time);
                inSegment = 0;
            }
        }
        if (inSegment > 0 || segment == 0) {
            segment(tar, dir, segment, inSegment, buffer, time);
        }
    }

    private static void segment(TarArchiveOutputStream tar, String dir, int n, int count, ByteArrayOutputStream buffer,
            Instant time) throws IOException {
        String seg = dir + String.format("segment-%06d/", n);
        directory(tar, seg, time);
        file(tar, seg + "segment.json", ("{\"format\":\"lifeboat-qdrant-stand-in\",\"version\":1,\"points\":" + count
                + "}").getBytes(StandardCharsets.UTF_8), time);
        TarArchiveEntry e = new TarArchiveEntry(seg + "points.bin");
        e.setSize(buffer.size());
        e.setModTime(time.getEpochSecond() * 1000); // whole seconds: no PAX header for the fraction
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        buffer.writeTo(tar);
        tar.closeArchiveEntry();
        buffer.reset();
    }

    /** One point record into {@code b} (cleared first; replaced by a larger buffer when needed). */
    private static ByteBuffer encode(Point p, ByteBuffer b) throws IOException {
        byte[] payload = p.payload() == null ? null : JSON.writeValueAsBytes(p.payload());
        int size = 1 + 16 + 2 + 4 + (payload == null ? 0 : payload.length);
        for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
            size += 2 + 3 * v.getKey().length() + 4 + 4 * v.getValue().length;
        }
        if (b.capacity() < size) {
            b = ByteBuffer.allocate(Math.max(size, 2 * b.capacity()));
        }
        b.clear();
        switch (p.id()) {
            case PointId.Num n -> b.put((byte) 0).putLong(n.value());
            case PointId.Uuid u -> b.put((byte) 1).putLong(u.value().getMostSignificantBits())
                    .putLong(u.value().getLeastSignificantBits());
        }
        b.putShort((short) p.vectors().size());
        for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
            byte[] name = v.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(v.getValue().length);
            b.asFloatBuffer().put(v.getValue());
            b.position(b.position() + 4 * v.getValue().length);
        }
        if (payload == null) {
            b.putInt(-1);
        } else {
            b.putInt(payload.length).put(payload);
        }
        return b;
    }

    private static void directory(TarArchiveOutputStream tar, String name, Instant time) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setModTime(time.getEpochSecond() * 1000); // whole seconds: no PAX header for the fraction
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, Instant time) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setModTime(time.getEpochSecond() * 1000); // whole seconds: no PAX header for the fraction
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /**
     * Reads a snapshot written by {@link #write}. Throws {@link MalformedSnapshotException} for
     * anything that is not such a snapshot (not a tar, no {@code config.json}, truncated segments).
     */
    static Contents read(InputStream in) throws IOException {
        CollectionConfig config = null;
        TreeMap<PointId, Point> points = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = next(tar)) != null) {
                String name = normalize(e.getName());
                if (name.equals("config.json")) {
                    config = CollectionConfig.fromJson(JSON.readTree(tar.readAllBytes()));
                } else {
                    Matcher m = SEGMENT.matcher(name);
                    if (m.matches() && e.isFile()) {
                        readPoints(tar, e.getSize(), points);
                    }
                }
            }
        } catch (ApiError err) {
            throw new MalformedSnapshotException("invalid config.json: " + err.getMessage());
        }
        if (config == null) {
            throw new MalformedSnapshotException("config.json not found in the snapshot archive");
        }
        return new Contents(config, new ArrayList<>(points.values()));
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedSnapshotException("Malformed tar archive: " + e.getMessage());
        }
    }

    private static String normalize(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    private static void readPoints(InputStream in, long size, Map<PointId, Point> into) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new MalformedSnapshotException("segment data: entry too large (" + size + " bytes)");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new MalformedSnapshotException("Malformed tar archive: segment data ends early");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            while (b.hasRemaining()) {
                Point p = decode(b);
                into.put(p.id(), p);
            }
        } catch (BufferUnderflowException | IllegalArgumentException | ClassCastException e) {
            throw new MalformedSnapshotException("segment data: malformed point record: " + e);
        }
    }

    private static Point decode(ByteBuffer b) throws IOException {
        int kind = b.get();
        PointId id = switch (kind) {
            case 0 -> PointId.of(b.getLong());
            case 1 -> PointId.of(new UUID(b.getLong(), b.getLong()));
            default -> throw new MalformedSnapshotException("segment data: unknown point id kind " + kind);
        };
        int vectors = Short.toUnsignedInt(b.getShort());
        Map<String, float[]> v = new TreeMap<>();
        for (int i = 0; i < vectors; i++) {
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            int dim = b.getInt();
            if (dim < 0 || dim > b.remaining() / 4) {
                throw new MalformedSnapshotException("segment data: bad vector dimension " + dim);
            }
            float[] f = new float[dim];
            b.asFloatBuffer().get(f);
            b.position(b.position() + 4 * dim);
            v.put(new String(name, StandardCharsets.UTF_8), f);
        }
        int len = b.getInt();
        ObjectNode payload = null;
        if (len >= 0) {
            if (len > b.remaining()) {
                throw new MalformedSnapshotException("segment data: payload runs past the segment");
            }
            payload = (ObjectNode) JSON.readTree(b.array(), b.position(), len);
            b.position(b.position() + len);
        }
        return new Point(id, v, payload);
    }

    /** Lists the entries of any snapshot tar (a real server's too, GNU sparse files expanded), hashing each. */
    public static List<Entry> entries(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            byte[] buf = new byte[1 << 16];
            while ((e = next(tar)) != null) {
                MessageDigest sha = sha256();
                long n = 0;
                int r;
                while ((r = tar.read(buf)) > 0) {
                    sha.update(buf, 0, r);
                    n += r;
                }
                char type = (char) (e.isDirectory() ? TarConstants.LF_DIR : e.isSparse() ? TarConstants.LF_GNUTYPE_SPARSE
                        : e.isSymbolicLink() ? TarConstants.LF_SYMLINK : TarConstants.LF_NORMAL);
                long size = e.isSparse() ? e.getRealSize() : e.getSize();
                if (!e.isDirectory() && n != size) {
                    throw new MalformedSnapshotException("Malformed tar archive: entry " + e.getName() + " holds " + n
                            + " bytes, its header says " + size);
                }
                out.add(new Entry(normalize(e.getName()), type, size, e.isSparse(), e.getModTime().toInstant(),
                        HexFormat.of().formatHex(sha.digest())));
            }
        }
        return out;
    }

    /** The (expanded) content of one entry of a snapshot tar. */
    public static byte[] read(Path file, String entry) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = next(tar)) != null) {
                if (normalize(e.getName()).equals(entry)) {
                    return tar.readAllBytes();
                }
            }
        }
        throw new java.io.FileNotFoundException(entry + " is not in " + file);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A file that is not a snapshot this stand-in can recover. */
    static final class MalformedSnapshotException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedSnapshotException(String message) {
            super(message);
        }
    }
}
