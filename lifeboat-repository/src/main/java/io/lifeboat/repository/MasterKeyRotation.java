package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.crypto.KeyFile;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import io.lifeboat.repository.pack.PackHeader;
import io.lifeboat.repository.pack.PackWriter;
import io.lifeboat.repository.pack.PackWriter.FinishedPack;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code key rotate-master}: re-encrypts every object of the repository under a new master key,
 * so that a leaked master key (or a leaked key file with its password) no longer decrypts
 * anything. Resumable: run it again after an interruption and it finishes the job.
 *
 * <p><b>What changes.</b> The new master key has a new random encryption key and keeps the MAC
 * key and the chunker seed. Blob ids and chunk boundaries therefore stay the same: trees,
 * snapshots and their ids are untouched in content, legal holds keep naming the same snapshots,
 * and new backups still deduplicate against old data. The MAC key and seed appear only inside
 * objects encrypted with the new key (index, pack headers, trees), so without that key they
 * reveal nothing; rotating them too would rewrite every tree and change every snapshot id.
 *
 * <p><b>Order</b> (each step survives a crash; a rerun picks up where it stopped):
 * <ol>
 *   <li>Write a key file for the new master key under the same password, then replace the config
 *       with one sealed by the new key and marked {@code rotation_pending}. From here on, opening
 *       the repository yields the new key for writing and the previous one for reading.</li>
 *   <li>Copy every indexed pack into new packs sealed by the new key (blob bodies are re-sealed,
 *       not recompressed), writing a new-key index file every {@link #INDEX_EVERY_PACKS} packs.
 *       A pack whose blobs are all in new-key index files already is skipped on a rerun.</li>
 *   <li>Delete the old index files, then every pack no new-key index file lists.</li>
 *   <li>Re-seal snapshots and holds under their own names (snapshot ids stay), and remove stale
 *       locks.</li>
 *   <li>Delete every key file except the new one (other passwords' keys wrap the old master key
 *       and cannot be re-wrapped without those passwords: they are removed only when the caller
 *       allows it), then write the config without {@code rotation_pending}.</li>
 * </ol>
 * The caller holds the exclusive lock; its lock object is sealed with the old key and goes when
 * the lock is released.
 */
public final class MasterKeyRotation {
    static final int INDEX_EVERY_PACKS = 64;

    /** What a rotation did. */
    public record Result(boolean resumed, int packsRewritten, long bytesRewritten, int packsDeleted, int indexFilesReplaced,
            int snapshotsResealed, int holdsResealed, List<String> keysRemoved, String newKeyId) {
        public Result {
            keysRemoved = List.copyOf(keysRemoved);
        }
    }

    private final Repository repo;
    private final RepositoryLock lock;
    private final ProgressListener progress;

    public MasterKeyRotation(Repository repo, RepositoryLock lock, ProgressListener progress) {
        this.repo = repo;
        this.lock = lock;
        this.progress = progress;
    }

    /**
     * Runs or resumes the rotation.
     *
     * @param password the password of the key that opened {@code repo}; the new key file uses it,
     *     with the same key derivation parameters
     * @param removeOtherKeys whether keys this password does not open may be deleted
     */
    public Result run(char[] password, boolean removeOtherKeys) {
        Storage storage = repo.storage();
        KdfParams kdf = KeyFile.parse(storage.get(Handle.of(ObjectKind.KEY, repo.keyId()))).kdf();
        List<ObjectInfo> otherKeys = foreignKeys(storage, password);
        if (!otherKeys.isEmpty() && !removeOtherKeys) {
            throw new LifeboatException(ErrorCode.REFUSED,
                    otherKeys.size() + " key(s) of other passwords wrap the current master key ("
                            + String.join(", ", otherKeys.stream().map(o -> o.handle().name().substring(0, 8)).toList())
                            + "); they cannot be moved to the new master key without their passwords",
                    "pass --remove-other-keys to delete them (their owners then need 'lifeboat key add' again), "
                            + "or remove them first with 'lifeboat key remove'");
        }
        boolean resumed = repo.config().rotationPending();
        Repository target = resumed ? repo : switchKey(password, kdf);
        lock.checkHeld();
        Rewrite r = new Rewrite(target);
        r.packs();
        lock.checkHeld();
        r.sealedObjects(ObjectKind.SNAPSHOT, Repository.snapshotAad());
        r.sealedObjects(ObjectKind.HOLD, Repository.holdAad());
        target.unlock(false);
        lock.checkHeld();
        List<String> removed = new ArrayList<>();
        for (ObjectInfo k : storage.list(ObjectKind.KEY)) {
            if (!k.handle().name().equals(target.keyId())) {
                storage.delete(k.handle());
                removed.add(k.handle().name());
            }
        }
        target.saveConfig(target.config().withRotationPending(false));
        return new Result(resumed, r.packsWritten, r.bytesWritten, r.packsDeleted, r.indexReplaced, r.snapshots, r.holds,
                removed, target.keyId());
    }

    /** Key files the password does not open: other people's keys. */
    private static List<ObjectInfo> foreignKeys(Storage storage, char[] password) {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo k : storage.list(ObjectKind.KEY)) {
            try {
                KeyFile.parse(storage.get(k.handle())).open(password);
            } catch (LifeboatException e) {
                out.add(k);
            }
        }
        return out;
    }

    /** Step 1: the new key file, then the config under the new key. */
    private Repository switchKey(char[] password, KdfParams kdf) {
        MasterKey next = repo.masterKey().withNewEncryptionKey(new SecureRandom());
        String keyId = KeyRing.write(next, repo.storage(), password, kdf, repo.client());
        RepositoryConfig pending = repo.config().withRotationPending(true);
        Repository target = new Repository(repo.storage(), next, repo.masterKey(), pending, repo.client(), keyId);
        target.saveConfig(pending);
        return target;
    }

    /** Steps 2 to 4, on the repository opened with the new key. */
    private final class Rewrite {
        private final Repository target;
        private final Storage storage;
        private final BlobCodec codec;
        int packsWritten;
        long bytesWritten;
        int packsDeleted;
        int indexReplaced;
        int snapshots;
        int holds;

        Rewrite(Repository target) {
            this.target = target;
            this.storage = target.storage();
            this.codec = target.codec();
        }

        void packs() {
            Map<PackId, List<PackEntry>> oldPacks = new TreeMap<>();
            Set<PackId> newPacks = new HashSet<>();
            Set<BlobId> done = new HashSet<>();
            List<Handle> oldIndex = new ArrayList<>();
            for (ObjectInfo o : storage.list(ObjectKind.INDEX)) {
                byte[] sealed = storage.get(o.handle());
                IndexFile f = IndexFile.open(codec, o.handle().name(), sealed);
                if (IndexFile.sealedWithCurrentKey(codec, sealed)) {
                    newPacks.addAll(f.packs().keySet());
                    f.packs().values().forEach(l -> l.forEach(e -> done.add(e.id())));
                } else {
                    f.packs().forEach(oldPacks::putIfAbsent);
                    oldIndex.add(o.handle());
                }
            }
            oldPacks.keySet().removeAll(newPacks);
            Map<BlobType, PackWriter> writers = new LinkedHashMap<>();
            Map<PackId, List<PackEntry>> unindexed = new LinkedHashMap<>();
            int seen = 0;
            for (Map.Entry<PackId, List<PackEntry>> e : oldPacks.entrySet()) {
                progress.onProgress(new Progress("rotate: re-encrypt", seen++, oldPacks.size(), bytesWritten, -1,
                        e.getKey().shortHex()));
                if (e.getValue().stream().allMatch(p -> done.contains(p.id()))) {
                    continue; // copied before an interruption
                }
                byte[] pack = storage.get(Handle.of(ObjectKind.DATA, e.getKey().hex()));
                for (PackEntry p : e.getValue()) {
                    if (!done.add(p.id())) {
                        continue;
                    }
                    if ((long) p.offset() + p.length() > pack.length) {
                        throw new LifeboatException(ErrorCode.DAMAGED_DATA, "pack " + e.getKey().hex()
                                + " is shorter than the index says", "run 'lifeboat check --read-data'");
                    }
                    byte[] stored = codec.reseal(p.id().bytes(), pack, p.offset(), p.length(), "blob " + p.id().hex());
                    PackWriter w = writers.computeIfAbsent(p.type(), t -> new PackWriter());
                    w.add(p.type(), p.id(), stored, p.rawLength());
                    if (w.size() >= target.config().packSize()) {
                        store(w.finish(codec), unindexed);
                        writers.remove(p.type());
                    }
                }
            }
            for (PackWriter w : writers.values()) {
                store(w.finish(codec), unindexed);
            }
            if (!unindexed.isEmpty()) {
                target.saveIndex(new IndexFile(unindexed, List.of()));
                newPacks.addAll(unindexed.keySet());
            }
            lock.checkHeld();
            for (Handle h : oldIndex) {
                storage.delete(h);
                indexReplaced++;
            }
            for (ObjectInfo o : storage.list(ObjectKind.DATA)) {
                PackId id;
                try {
                    id = PackId.parse(o.handle().name());
                } catch (IllegalArgumentException ex) {
                    continue;
                }
                if (!newPacks.contains(id)) {
                    storage.delete(o.handle());
                    packsDeleted++;
                }
            }
            target.reloadIndex();
        }

        private void store(FinishedPack p, Map<PackId, List<PackEntry>> unindexed) {
            storage.putContentAddressed(Handle.of(ObjectKind.DATA, p.id().hex()), p.bytes());
            packsWritten++;
            bytesWritten += p.bytes().length;
            unindexed.put(p.id(), p.entries());
            if (unindexed.size() >= INDEX_EVERY_PACKS) {
                target.saveIndex(new IndexFile(unindexed, List.of()));
                unindexed.clear();
            }
        }

        /** Re-seals every object of a kind under its own name, skipping those already under the new key. */
        void sealedObjects(ObjectKind kind, byte[] aad) {
            for (ObjectInfo o : storage.list(kind)) {
                byte[] sealed;
                try {
                    sealed = storage.get(o.handle());
                } catch (LifeboatException e) {
                    if (e.code() == ErrorCode.NOT_FOUND) {
                        continue;
                    }
                    throw e;
                }
                if (codec.sealedWithCurrentKey(aad, sealed, 0, sealed.length)) {
                    continue;
                }
                storage.put(o.handle(), codec.reseal(aad, sealed, 0, sealed.length, o.handle().path()));
                if (kind == ObjectKind.SNAPSHOT) {
                    snapshots++;
                } else {
                    holds++;
                }
            }
        }
    }

    /**
     * The objects of {@code repo} that still decrypt with {@code key}: config, snapshots, holds,
     * index files, pack headers and every blob. Empty after a finished rotation away from it.
     */
    public static List<String> readableWith(Repository repo, MasterKey key) {
        Storage storage = repo.storage();
        BlobCodec old = new BlobCodec(key);
        List<String> readable = new ArrayList<>();
        byte[] config = storage.get(Handle.CONFIG);
        if (old.sealedWithCurrentKey(Repository.configAad(), config, 0, config.length)) {
            readable.add(Handle.CONFIG.path());
        }
        for (ObjectKind kind : List.of(ObjectKind.SNAPSHOT, ObjectKind.HOLD, ObjectKind.LOCK)) {
            byte[] aad = switch (kind) {
                case SNAPSHOT -> Repository.snapshotAad();
                case HOLD -> Repository.holdAad();
                default -> null;
            };
            for (ObjectInfo o : storage.list(kind)) {
                byte[] b = storage.get(o.handle());
                if (aad == null || old.sealedWithCurrentKey(aad, b, 0, b.length)) {
                    readable.add(o.handle().path()); // locks: any left over counts, whatever sealed it
                }
            }
        }
        for (ObjectInfo o : storage.list(ObjectKind.INDEX)) {
            if (IndexFile.sealedWithCurrentKey(old, storage.get(o.handle()))) {
                readable.add(o.handle().path());
            }
        }
        for (ObjectInfo o : storage.list(ObjectKind.DATA)) {
            byte[] pack = storage.get(o.handle());
            if (PackHeader.sealedWithCurrentKey(old, pack)) {
                readable.add(o.handle().path());
                continue;
            }
            for (PackEntry e : PackHeader.read(repo.codec(), PackId.parse(o.handle().name()), pack)) {
                if (old.sealedWithCurrentKey(e.id().bytes(), pack, e.offset(), e.length())) {
                    readable.add(o.handle().path() + " blob " + e.id().hex());
                }
            }
        }
        return readable;
    }
}
