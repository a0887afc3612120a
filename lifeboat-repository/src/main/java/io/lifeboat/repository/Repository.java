package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.Hex;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.crypto.KeyFile;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.repository.crypto.Sha256;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.hold.HoldCodec;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.index.MasterIndex;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackHeader;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotRef;
import io.lifeboat.repository.snapshot.SnapshotCodec;
import io.lifeboat.repository.snapshot.TreeCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open repository: its storage, master key, config and index. Thread safe. Create one with
 * {@link #init} or {@link #open}; everything else in Lifeboat reaches the stored data through it.
 */
public final class Repository implements AutoCloseable {
    /**
     * Oldest first, ties by id. Written as one lambda: Comparator.comparing(...).thenComparing(...)
     * links the JDK's own lambdas at run time on first use, about 9 ms of every backup's start.
     */
    private static final Comparator<Snapshot> BY_TIME_THEN_ID = (a, b) -> {
        int byTime = a.time().compareTo(b.time());
        return byTime != 0 ? byTime : a.id().hex().compareTo(b.id().hex());
    };

    private static final byte[] CONFIG_AAD = "lifeboat-config-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAPSHOT_AAD = "lifeboat-snapshot-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOLD_AAD = "lifeboat-hold-v1".getBytes(StandardCharsets.US_ASCII);

    /** Tree packs read whole: 32 MiB, two full packs or many small ones. */
    private final TreePackCache treePacks = new TreePackCache(32L * 1024 * 1024);
    private final Storage storage;
    private final MasterKey masterKey;
    private final BlobCodec codec;
    private final RepositoryConfig config;
    private final ClientContext client;
    private final String keyId;
    private final MasterKey previousKey;
    private volatile MasterIndex index;

    private Repository(Storage storage, MasterKey masterKey, RepositoryConfig config, ClientContext client, String keyId) {
        this(storage, masterKey, null, config, client, keyId);
    }

    Repository(Storage storage, MasterKey masterKey, MasterKey previousKey, RepositoryConfig config, ClientContext client,
            String keyId) {
        this.storage = storage;
        this.masterKey = masterKey;
        this.previousKey = previousKey;
        this.codec = previousKey == null ? new BlobCodec(masterKey) : new BlobCodec(masterKey, previousKey);
        this.config = config;
        this.client = client;
        this.keyId = keyId;
    }

    /** Creates a repository: key first, then the config object, which marks it as existing. */
    public static Repository init(Storage storage, char[] password, KdfParams kdf, int packSize, ClientContext client) {
        if (storage.stat(Handle.CONFIG).isPresent()) {
            throw new LifeboatException(ErrorCode.ALREADY_EXISTS,
                    "a repository already exists at " + storage.location(),
                    "use it as it is, or choose another location with --repo");
        }
        SecureRandom random = new SecureRandom();
        MasterKey mk = MasterKey.generate(random);
        byte[] rid = new byte[32];
        random.nextBytes(rid);
        RepositoryConfig config = new RepositoryConfig(RepositoryConfig.VERSION, Hex.encode(rid), client.clock().instant(), packSize);
        String keyId = KeyRing.write(mk, storage, password, kdf, client);
        Repository repo = new Repository(storage, mk, config, client, keyId);
        if (!storage.create(Handle.CONFIG, repo.codec.seal(config.toJson(), CONFIG_AAD))) {
            storage.delete(Handle.of(ObjectKind.KEY, keyId));
            throw new LifeboatException(ErrorCode.ALREADY_EXISTS,
                    "a repository was created at " + storage.location() + " at the same time",
                    "use it as it is, or choose another location with --repo");
        }
        return repo;
    }

    /**
     * Creates a repository that can receive copies of {@code source}'s snapshots: its master key
     * has a new random encryption key (so neither repository's key opens the other) and the MAC
     * key and chunker seed of {@code source}, so that blob ids, trees and snapshot ids are the same
     * in both and {@code copy} moves only blobs the destination lacks. Pack size as in the source.
     */
    public static Repository initCopyTarget(Repository source, Storage storage, char[] password, KdfParams kdf,
            ClientContext client) {
        if (storage.stat(Handle.CONFIG).isPresent()) {
            throw new LifeboatException(ErrorCode.ALREADY_EXISTS,
                    "a repository already exists at " + storage.location(),
                    "copy into it without --init (it must have been created as a copy target of the source)");
        }
        SecureRandom random = new SecureRandom();
        MasterKey mk = source.masterKey.withNewEncryptionKey(random);
        byte[] rid = new byte[32];
        random.nextBytes(rid);
        RepositoryConfig config = new RepositoryConfig(RepositoryConfig.VERSION, Hex.encode(rid), client.clock().instant(),
                source.config.packSize());
        String keyId = KeyRing.write(mk, storage, password, kdf, client);
        Repository repo = new Repository(storage, mk, config, client, keyId);
        if (!storage.create(Handle.CONFIG, repo.codec.seal(config.toJson(), CONFIG_AAD))) {
            storage.delete(Handle.of(ObjectKind.KEY, keyId));
            throw new LifeboatException(ErrorCode.ALREADY_EXISTS,
                    "a repository was created at " + storage.location() + " at the same time",
                    "copy into it without --init, or choose another location");
        }
        return repo;
    }

    /**
     * Whether {@code other} has the same MAC key and chunker seed: then a blob has the same id in
     * both, and snapshots can be copied between them without re-chunking.
     */
    public boolean sharesChunkingWith(Repository other) {
        return java.security.MessageDigest.isEqual(masterKey.macKey(), other.masterKey.macKey())
                & java.security.MessageDigest.isEqual(masterKey.chunkerSeed(), other.masterKey.chunkerSeed());
    }

    /**
     * A stored blob of this repository, re-encrypted for {@code target} (which must share the MAC
     * key): authenticated here, not decompressed, sealed again there.
     */
    public byte[] resealBlobFor(Repository target, BlobId id, byte[] stored, int off, int len) {
        return codec.resealFor(target.codec, id.bytes(), stored, off, len, "blob " + id.hex());
    }

    /**
     * Writes snapshot {@code id} of this repository into {@code target} under the same id,
     * re-encrypted with the target's key: the commit marker of a copied snapshot, to be written
     * only after every blob it needs is indexed in the target.
     */
    public void copySnapshotTo(Repository target, SnapshotId id) {
        Handle h = Handle.of(ObjectKind.SNAPSHOT, id.hex());
        byte[] stored = storage.get(h);
        target.storage.put(h, codec.resealFor(target.codec, SNAPSHOT_AAD, stored, 0, stored.length, "snapshot " + id.hex()));
    }

    /**
     * Opens a repository by trying the password against the key files. The master key is the one
     * that decrypts the config. While a master key rotation is unfinished, the password's key for
     * the previous master key is opened too, so that what is not re-encrypted yet stays readable.
     */
    public static Repository open(Storage storage, char[] password, ClientContext client) {
        return unlock(storage, password).open(client);
    }

    /**
     * A repository whose keys the password has opened, not yet bound to a client: the slow half
     * of {@link #open} (reading the config and the key files, deriving the password's key), which
     * a caller may run before it knows the client, e.g. while a command line is still parsed.
     */
    public static final class Unlocked implements AutoCloseable {
        private final Storage storage;
        private final MasterKey current;
        private final MasterKey previous;
        private final RepositoryConfig config;
        private final String keyId;

        private Unlocked(Storage storage, MasterKey current, MasterKey previous, RepositoryConfig config, String keyId) {
            this.storage = storage;
            this.current = current;
            this.previous = previous;
            this.config = config;
            this.keyId = keyId;
        }

        /** The repository, for {@code client}; it owns the storage from here on. */
        public Repository open(ClientContext client) {
            return new Repository(storage, current, previous, config, client, keyId);
        }

        /** Closes the storage, for an unlock that is not used. */
        @Override
        public void close() {
            storage.close();
        }
    }

    /**
     * Loads and initializes Jackson's databind, about 50 ms on a fresh JVM, so that the first
     * config or snapshot read after {@link #unlock} does not: for a thread that would otherwise
     * wait for the key derivation.
     */
    public static void warmUpJson() {
        RepositoryConfig.warmUp();
    }

    /** Loads the cipher, MAC and compression code opening a repository needs; see {@link BlobCodec#warmUpProviders}. */
    public static void warmUpCrypto() {
        BlobCodec.warmUpProviders();
    }

    /** The first half of {@link #open}: see {@link Unlocked}. The storage stays open either way. */
    public static Unlocked unlock(Storage storage, char[] password) {
        byte[] sealedConfig;
        try {
            sealedConfig = storage.get(Handle.CONFIG);
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            throw new LifeboatException(ErrorCode.REPOSITORY_NOT_FOUND,
                    "no repository at " + storage.location(),
                    "create one with 'lifeboat init', or check --repo / LIFEBOAT_REPOSITORY");
        }
        List<ObjectInfo> keys = storage.list(ObjectKind.KEY);
        MasterKey current = null;
        MasterKey previous = null;
        String currentId = null;
        RepositoryConfig config = null;
        List<String> outdated = new ArrayList<>();
        for (ObjectInfo k : keys) {
            Optional<MasterKey> mk = tryKey(storage, k, password);
            if (mk.isEmpty()) {
                continue;
            }
            Optional<RepositoryConfig> c = current == null ? tryConfig(mk.get(), sealedConfig, storage) : Optional.empty();
            if (c.isPresent()) {
                current = mk.get();
                currentId = k.handle().name();
                config = c.get();
            } else if (current == null || !mk.get().equals(current)) {
                previous = previous == null ? mk.get() : previous;
                outdated.add(k.handle().name());
            }
            if (current != null && (!config.rotationPending() || previous != null)) {
                break;
            }
        }
        if (current == null) {
            if (!outdated.isEmpty()) {
                throw new LifeboatException(ErrorCode.WRONG_PASSWORD,
                        "the password opens key " + outdated.get(0).substring(0, 8) + ", but the config of "
                                + storage.location() + " does not decrypt with its master key",
                        "the master key was replaced by 'lifeboat key rotate-master': use the password of a key made "
                                + "since; if there is none, the config object is damaged");
            }
            throw new LifeboatException(ErrorCode.WRONG_PASSWORD,
                    "wrong password: none of the " + keys.size() + " keys of " + storage.location() + " opens with it",
                    "check LIFEBOAT_PASSWORD or --password-file; 'lifeboat key list' shows the keys once you are in");
        }
        return new Unlocked(storage, current, config.rotationPending() ? previous : null, config, currentId);
    }

    private static Optional<MasterKey> tryKey(Storage storage, ObjectInfo k, char[] password) {
        try {
            return Optional.of(KeyFile.parse(storage.get(k.handle())).open(password));
        } catch (LifeboatException e) {
            // A damaged key file, or another password's: neither must stop the other keys.
            if (e.code() == ErrorCode.WRONG_PASSWORD || e.code() == ErrorCode.DAMAGED_DATA || e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<RepositoryConfig> tryConfig(MasterKey mk, byte[] sealedConfig, Storage storage) {
        byte[] json;
        try {
            json = new BlobCodec(mk).open(sealedConfig, CONFIG_AAD, "config");
        } catch (LifeboatException e) {
            return Optional.empty(); // sealed with another master key (or damaged: reported by the caller)
        }
        return Optional.of(RepositoryConfig.fromJson(json, storage.location()));
    }

    public Storage storage() {
        return storage;
    }

    public BlobCodec codec() {
        return codec;
    }

    public RepositoryConfig config() {
        return config;
    }

    public ClientContext client() {
        return client;
    }

    public KeyRing keys() {
        return new KeyRing(storage, masterKey, client, keyId);
    }

    MasterKey masterKey() {
        return masterKey;
    }

    /** The master key before an unfinished rotation, or null. */
    MasterKey previousKey() {
        return previousKey;
    }

    String keyId() {
        return keyId;
    }

    void saveConfig(RepositoryConfig c) {
        storage.put(Handle.CONFIG, codec.seal(c.toJson(), CONFIG_AAD));
    }

    static byte[] snapshotAad() {
        return SNAPSHOT_AAD.clone();
    }

    static byte[] holdAad() {
        return HOLD_AAD.clone();
    }

    static byte[] configAad() {
        return CONFIG_AAD.clone();
    }

    /** The seed that keys the content-defined chunker of this repository. */
    byte[] chunkerSeed() {
        return masterKey.chunkerSeed();
    }

    public RepositoryLock lock(boolean exclusive, String operation) {
        return RepositoryLock.acquire(storage, codec, client.clock(), client.lockPolicy(), exclusive, operation,
                client.host(), client.username());
    }

    /** Removes stale locks, or with {@code force} every lock; see {@link RepositoryLock#remove}. */
    public RepositoryLock.Removal unlock(boolean force) {
        return RepositoryLock.remove(storage, codec, client.clock(), client.lockPolicy(), client.host(), force);
    }

    /** The index, read from storage on first use. */
    public MasterIndex index() {
        MasterIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    index = loadIndex();
                }
                i = index;
            }
        }
        return i;
    }

    /**
     * Reads every index file again (after another client wrote some) and returns them by object
     * name, in listing order, for callers that need the files themselves (prune).
     */
    public synchronized Map<String, IndexFile> reloadIndex() {
        Map<String, IndexFile> files = new LinkedHashMap<>();
        index = loadIndex(files);
        return files;
    }

    private MasterIndex loadIndex() {
        return loadIndex(new LinkedHashMap<>());
    }

    private MasterIndex loadIndex(Map<String, IndexFile> files) {
        MasterIndex i = new MasterIndex();
        for (ObjectInfo o : storage.list(ObjectKind.INDEX)) {
            byte[] stored;
            try {
                stored = storage.get(o.handle());
            } catch (LifeboatException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    continue; // superseded and deleted while we listed
                }
                throw e;
            }
            IndexFile f = IndexFile.open(codec, o.handle().name(), stored);
            f.packs().forEach(i::addPack);
            files.put(o.handle().name(), f);
        }
        return i;
    }

    /** Stores an index file; returns its name. */
    public String saveIndex(IndexFile file) {
        byte[] sealed = file.seal(codec);
        String name = Hex.encode(Sha256.of(sealed));
        storage.putContentAddressed(Handle.of(ObjectKind.INDEX, name), sealed);
        return name;
    }

    /** Starts a backup session writing new blobs with the given chunking. */
    public BackupWriter newWriter(ChunkingProfile chunking, ProgressListener progress) {
        return new BackupWriter(this, chunking, progress, BackupWriter.INDEX_EVERY_PACKS);
    }

    public SnapshotReader reader(ProgressListener progress) {
        return new SnapshotReader(this, progress);
    }

    /** Reads, authenticates and re-hashes one blob. */
    public byte[] readBlob(BlobId id) {
        BlobLocation loc = locate(id);
        byte[] stored = storage.getRange(Handle.of(ObjectKind.DATA, loc.pack().hex()), loc.offset(), loc.length());
        return decodeAt(id, loc, stored, 0);
    }

    /** Where a blob is stored. @throws LifeboatException DAMAGED_DATA when the index lacks it */
    BlobLocation locate(BlobId id) {
        return index().lookup(id).orElseThrow(() -> new LifeboatException(ErrorCode.DAMAGED_DATA,
                "blob " + id.hex() + " is not in the index",
                "run 'lifeboat check' to find the snapshots that refer to missing data"));
    }

    /**
     * Reads {@code stored.length} bytes of {@code pack} from {@code offset} in one request: a run
     * of neighbouring blobs, decoded by the caller with {@link #decodeAt}.
     */
    byte[] readSpan(PackId pack, long offset, int length) {
        return storage.getRange(Handle.of(ObjectKind.DATA, pack.hex()), offset, length);
    }

    /** As {@link #readSpan(PackId, long, int)}, into {@code into[0, length)}. */
    void readSpan(PackId pack, long offset, int length, byte[] into) {
        storage.getRange(Handle.of(ObjectKind.DATA, pack.hex()), offset, length, into);
    }

    /** Decodes the blob at {@code loc}, found at {@code from} in {@code bytes}; errors name the pack. */
    byte[] decodeAt(BlobId id, BlobLocation loc, byte[] bytes, int from) {
        try {
            return codec.decode(id, bytes, from, loc.length());
        } catch (LifeboatException e) {
            throw inPack(loc, e);
        }
    }

    /** As {@link #decodeAt(BlobId, BlobLocation, byte[], int)}, into an array from {@code pool}. */
    BlobCodec.Plain decodeAt(BlobId id, BlobLocation loc, byte[] bytes, int from, ArrayPool pool) {
        try {
            return codec.decode(id, bytes, from, loc.length(), pool);
        } catch (LifeboatException e) {
            throw inPack(loc, e);
        }
    }

    private static LifeboatException inPack(BlobLocation loc, LifeboatException e) {
        return new LifeboatException(e.code(), "pack " + loc.pack().hex() + ": " + e.getMessage(), e.hint(), e);
    }

    /**
     * Reads a tree, through {@link TreePackCache}: the first tree of a pack brings the whole pack.
     * When the pack cannot be read whole or its header does not list the tree, the tree is read
     * alone, so that damage is reported as {@link #readBlob} reports it.
     */
    public Tree loadTree(BlobId id) {
        BlobLocation loc = index().lookup(id).orElse(null);
        if (loc != null && loc.type() == BlobType.TREE) {
            java.util.Optional<TreePackCache.Slice> slice;
            try {
                slice = treePacks.get(loc.pack(), id, p -> storage.get(Handle.of(ObjectKind.DATA, p.hex())),
                        whole -> PackHeader.read(codec, loc.pack(), whole));
            } catch (LifeboatException e) {
                slice = java.util.Optional.empty(); // read alone below, for the precise error
            }
            if (slice.isPresent()) {
                TreePackCache.Slice s = slice.get();
                try {
                    return TreeCodec.decode(id, codec.decode(id, s.pack(), s.offset(), s.length()));
                } catch (LifeboatException e) {
                    throw new LifeboatException(e.code(), "pack " + loc.pack().hex() + ": " + e.getMessage(), e.hint(), e);
                }
            }
        }
        return TreeCodec.decode(id, readBlob(id));
    }

    /** Writes the snapshot object: the commit marker of a backup. */
    public SnapshotId saveSnapshot(Snapshot snapshot) {
        byte[] sealed = codec.seal(SnapshotCodec.encode(snapshot), SNAPSHOT_AAD);
        SnapshotId id = SnapshotId.of(Sha256.of(sealed));
        storage.putContentAddressed(Handle.of(ObjectKind.SNAPSHOT, id.hex()), sealed);
        return id;
    }

    public Snapshot loadSnapshot(SnapshotId id) {
        byte[] stored = storage.get(Handle.of(ObjectKind.SNAPSHOT, id.hex()));
        return SnapshotCodec.decode(id, codec.open(stored, SNAPSHOT_AAD, "snapshot " + id.hex()));
    }

    /** All snapshots, oldest first. */
    public List<Snapshot> snapshots() {
        List<Snapshot> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(ObjectKind.SNAPSHOT)) {
            try {
                out.add(loadSnapshot(SnapshotId.parse(o.handle().name())));
            } catch (LifeboatException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        out.sort(BY_TIME_THEN_ID);
        return out;
    }

    /**
     * Deletes a snapshot object. Its data stays (other snapshots may share it) until
     * {@code prune}; callers decide whether the snapshot may go (holds, locks).
     */
    public void removeSnapshot(SnapshotId id) {
        storage.delete(Handle.of(ObjectKind.SNAPSHOT, id.hex()));
    }

    /** Places a legal hold, replacing an earlier hold on the same snapshot. */
    public void putHold(Hold hold) {
        storage.put(Handle.of(ObjectKind.HOLD, hold.snapshot().hex()), codec.seal(HoldCodec.encode(hold), HOLD_AAD));
    }

    /** The hold on a snapshot, lapsed or not; empty when there is none. */
    public Optional<Hold> loadHold(SnapshotId id) {
        byte[] stored;
        try {
            stored = storage.get(Handle.of(ObjectKind.HOLD, id.hex()));
        } catch (LifeboatException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(HoldCodec.decode(id, codec.open(stored, HOLD_AAD, "hold " + id.hex())));
    }

    /**
     * Every hold, lapsed or not, oldest first. A damaged hold object fails the whole listing:
     * ignoring it could let {@code forget} remove the snapshot it protects.
     */
    public List<Hold> holds() {
        List<Hold> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(ObjectKind.HOLD)) {
            SnapshotId id;
            try {
                id = SnapshotId.parse(o.handle().name());
            } catch (IllegalArgumentException e) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, o.handle().path() + ": not a snapshot id",
                        "remove " + o.handle().path() + " from the repository; Lifeboat never writes such a name", e);
            }
            loadHold(id).ifPresent(out::add); // absent: released while we listed
        }
        out.sort(Comparator.comparing(Hold::time).thenComparing(Hold::snapshot));
        return out;
    }

    /** Removes the hold on a snapshot; returns whether there was one. Decodes nothing, so damaged holds go too. */
    public boolean removeHold(SnapshotId id) {
        Handle h = Handle.of(ObjectKind.HOLD, id.hex());
        if (storage.stat(h).isEmpty()) {
            return false;
        }
        storage.delete(h);
        return true;
    }

    /**
     * Finds a snapshot by full id, unique id prefix, or {@code latest} (optionally restricted to
     * a source kind).
     */
    public Snapshot findSnapshot(String ref, Optional<String> sourceKind) {
        return SnapshotRef.pick(ref, snapshots().stream()
                .filter(s -> sourceKind.isEmpty() || s.sourceKind().equals(sourceKind.get()))
                .toList());
    }

    @Override
    public void close() {
        storage.close();
    }
}
