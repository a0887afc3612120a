package io.lifeboat.repository.wal;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.crypto.BlobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * WAL files of one repository (see the package documentation for layout and rules). Thread
 * safe; every method goes to the storage (nothing is cached), so several processes may push
 * concurrently.
 */
public final class WalArchive {
    /** Segments, {@code .partial} and {@code .streaming} (see {@link #pushStreaming}) segments, {@code .history} and {@code .backup} files, as PostgreSQL names them. */
    private static final Pattern NAME = Pattern.compile(
            "[0-9A-F]{24}(\\.partial|\\.streaming|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history");
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    /** Suffix of the segment a WAL receiver is still receiving. */
    public static final String STREAMING = ".streaming";
    /** Where a WAL receiver records its state: {@code wal/<system id>/receiver/status} (not a WAL file). */
    private static final String RECEIVER_STATUS = "/receiver/status";

    /**
     * zstd level of WAL files. Measured on 16 MiB segments of an insert load (one core of the
     * loaded 2-core bench machine): level 1 took 30 ms and stored 3.91 MB, level 3 (the
     * repository's default) 139 ms and 4.44 MB; two zstd workers saved little (122 ms at level 3).
     * A segment's compression is most of what storing it costs, and an archiver falls behind a
     * busy server exactly there.
     */
    static final int ZSTD_LEVEL = 1;

    /** What a push did. */
    public enum PushResult { STORED, ALREADY_PRESENT }

    /** One stored file: {@code modified} is when the storage received it. */
    public record WalFile(String systemId, String name, long storedSize, Instant modified) {
        public String timeline() {
            return name.substring(0, 8);
        }

        public boolean isSegment() {
            return SEGMENT.matcher(name).matches();
        }
    }

    private final Storage storage;
    private final BlobCodec codec;

    public WalArchive(Storage storage, BlobCodec codec) {
        this.storage = storage;
        this.codec = codec;
    }

    /** Whether {@code name} is a file name PostgreSQL archives. */
    public static boolean isWalFileName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Stores one WAL file durably. Refuses a system other than the repository's, and a file whose
     * name is stored with other content.
     */
    public PushResult push(String systemId, String name, byte[] content) {
        checkName(name);
        checkSystem(systemId);
        Handle h = handle(systemId, name);
        if (storage.create(h, codec.seal(content, aad(systemId, name), ZSTD_LEVEL))) {
            return PushResult.STORED;
        }
        byte[] stored = read(h, systemId, name);
        if (Arrays.equals(stored, content)) {
            return PushResult.ALREADY_PRESENT;
        }
        throw new LifeboatException(ErrorCode.ALREADY_EXISTS, "WAL file " + name + " of system " + systemId
                + " is archived already with different content (" + stored.length + " bytes stored, " + content.length
                + " bytes pushed)", "two clusters with the same system identifier archive into one repository, or the "
                + "server was restored without changing archive_command: give each its own repository");
    }

    /** The content of one file, or empty when it is not archived. */
    public Optional<byte[]> fetch(String systemId, String name) {
        checkName(name);
        Handle h = handle(systemId, name);
        try {
            return Optional.of(read(h, systemId, name));
        } catch (LifeboatException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether a file is archived (without reading it). */
    public boolean contains(String systemId, String name) {
        checkName(name);
        return storage.stat(handle(systemId, name)).isPresent();
    }

    /** Deletes one archived file; deleting a file that is gone already succeeds. */
    public void delete(WalFile file) {
        checkName(file.name());
        storage.delete(handle(file.systemId(), file.name()));
    }

    /** The repository object a file is stored as, e.g. {@code wal/7312…/00000001/000000010000000000000003}. */
    public static String objectPath(String systemId, String name) {
        return handle(systemId, name).path();
    }

    /** Every archived file, ordered by system, timeline and name. */
    public List<WalFile> list() {
        List<WalFile> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(ObjectKind.WAL)) {
            String[] parts = o.handle().name().split("/");
            if (parts.length == 3 && isWalFileName(parts[2])) {
                out.add(new WalFile(parts[0], parts[2], o.size(), o.modified()));
            }
        }
        out.sort(Comparator.comparing(WalFile::systemId).thenComparing(WalFile::name));
        return out;
    }

    /** The system identifiers that have WAL here (at most one, unless written by something else). */
    public Set<String> systemIds() {
        Set<String> out = new TreeSet<>();
        list().forEach(f -> out.add(f.systemId()));
        return out;
    }

    /**
     * Refuses {@code systemId} when the repository holds WAL of another system.
     *
     * @throws LifeboatException {@code refused}
     */
    public void checkSystem(String systemId) {
        if (!systemId.matches("[0-9]{1,20}")) {
            throw new IllegalArgumentException("system identifier must be decimal: " + systemId);
        }
        Set<String> others = new TreeSet<>(systemIds());
        others.remove(systemId);
        if (!others.isEmpty()) {
            throw otherSystem(systemId, others.iterator().next());
        }
    }

    /** The error for a repository that belongs to another PostgreSQL system. */
    public static LifeboatException otherSystem(String systemId, String repositorySystemId) {
        return new LifeboatException(ErrorCode.REFUSED, "this repository holds WAL and base backups of PostgreSQL system "
                + repositorySystemId + ", not of system " + systemId,
                "give every PostgreSQL cluster (every system identifier) its own repository");
    }

    /**
     * {@link #push} for a long-running caller (a WAL receiver) that ran {@link #checkSystem} once
     * when it started: skips that check, which lists every WAL object, on each file.
     */
    public PushResult pushOfCheckedSystem(String systemId, String name, byte[] content) {
        checkName(name);
        Handle h = handle(systemId, name);
        if (storage.create(h, codec.seal(content, aad(systemId, name), ZSTD_LEVEL))) {
            return PushResult.STORED;
        }
        if (Arrays.equals(read(h, systemId, name), content)) {
            return PushResult.ALREADY_PRESENT;
        }
        return push(systemId, name, content);
    }

    /**
     * Stores (replacing any earlier one) the segment that {@code wal receive} is still receiving,
     * as {@code <segment>.streaming}: a distinct name, so that it never collides with the segment
     * once complete nor with a {@code .partial} file PostgreSQL archives after a promotion.
     * {@code content} is the whole segment, zero-filled past what was received. The caller checked
     * the system ({@link #checkSystem}) when it started.
     */
    public void pushStreaming(String systemId, String segment, byte[] content) {
        checkSegment(segment);
        String name = segment + STREAMING;
        storage.put(handle(systemId, name), codec.seal(content, aad(systemId, name), ZSTD_LEVEL));
    }

    /** The stored in-progress copy of {@code segment}, or empty. */
    public Optional<byte[]> fetchStreaming(String systemId, String segment) {
        checkSegment(segment);
        return fetch(systemId, segment + STREAMING);
    }

    /** Removes the in-progress copy of {@code segment} (once the complete segment is stored); idempotent. */
    public void removeStreaming(String systemId, String segment) {
        checkSegment(segment);
        Handle h = handle(systemId, segment + STREAMING);
        if (storage.stat(h).isPresent()) {
            storage.delete(h);
        }
    }

    /**
     * The in-progress copy of {@code segment} when recovery may use it as the last segment: the
     * complete segment is not archived and no later segment of the same timeline is, so the copy
     * is the newest WAL of its timeline. Recovery replays it up to the end of what was received
     * (the rest is zeros) and then ends, as with a renamed {@code pg_receivewal} partial file.
     */
    public Optional<byte[]> fetchStreamingAsLast(String systemId, String segment) {
        checkSegment(segment);
        Optional<byte[]> content = fetchStreaming(systemId, segment);
        if (content.isEmpty() || contains(systemId, segment)) {
            return Optional.empty();
        }
        String timeline = segment.substring(0, 8);
        for (WalFile f : list()) {
            if (f.systemId().equals(systemId) && f.timeline().equals(timeline) && f.isSegment()
                    && f.name().compareTo(segment) > 0) {
                return Optional.empty();
            }
        }
        return content;
    }

    /** Records the state of a WAL receiver of {@code systemId} (opaque bytes, sealed), replacing the last one. */
    public void putReceiverStatus(String systemId, byte[] status) {
        checkSystem(systemId);
        storage.put(Handle.of(ObjectKind.WAL, systemId + RECEIVER_STATUS), codec.seal(status, aad(systemId, RECEIVER_STATUS)));
    }

    /** The last state recorded by {@link #putReceiverStatus}, or empty. */
    public Optional<byte[]> receiverStatus(String systemId) {
        Handle h = Handle.of(ObjectKind.WAL, systemId + RECEIVER_STATUS);
        try {
            return Optional.of(codec.open(storage.get(h), aad(systemId, RECEIVER_STATUS), h.path()));
        } catch (LifeboatException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void checkSegment(String segment) {
        if (!SEGMENT.matcher(segment).matches()) {
            throw new IllegalArgumentException("not a WAL segment name: " + segment);
        }
    }

    private byte[] read(Handle h, String systemId, String name) {
        return codec.open(storage.get(h), aad(systemId, name), h.path());
    }

    private static Handle handle(String systemId, String name) {
        return Handle.of(ObjectKind.WAL, systemId + "/" + name.substring(0, 8) + "/" + name);
    }

    private static byte[] aad(String systemId, String name) {
        return ("lifeboat-wal-v1:" + systemId + "/" + name).getBytes(StandardCharsets.US_ASCII);
    }

    private static void checkName(String name) {
        if (!isWalFileName(name)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + name + "' is not a WAL file name",
                    "WAL segments are named by 24 hex digits (e.g. 000000010000000000000003); also X.history, X.Y.backup");
        }
    }
}
