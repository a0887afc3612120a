package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.crypto.KeyFile;
import io.lifeboat.repository.crypto.MasterKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The key files of a repository. Every key wraps the same master key, so adding, removing or
 * re-wrapping a key never rewrites data.
 */
public final class KeyRing {
    private final Storage storage;
    private final MasterKey masterKey;
    private final ClientContext client;
    private final String currentKey;

    KeyRing(Storage storage, MasterKey masterKey, ClientContext client, String currentKey) {
        this.storage = storage;
        this.masterKey = masterKey;
        this.client = client;
        this.currentKey = currentKey;
    }

    /** A key as listed: its id, who made it and when, and whether it opened this session. */
    public record KeyEntry(String id, String host, String username, Instant created, String kdf, boolean current) {}

    public List<KeyEntry> list() {
        List<KeyEntry> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(ObjectKind.KEY)) {
            KeyFile k = KeyFile.parse(storage.get(o.handle()));
            out.add(new KeyEntry(o.handle().name(), k.host(), k.username(), k.created(), k.kdf().toString(),
                    o.handle().name().equals(currentKey)));
        }
        out.sort(Comparator.comparing(KeyEntry::created).thenComparing(KeyEntry::id));
        return out;
    }

    /** Adds a key for {@code password}; returns its id. */
    public String add(char[] password, KdfParams kdf) {
        return write(masterKey, storage, password, kdf, client);
    }

    static String write(MasterKey mk, Storage storage, char[] password, KdfParams kdf, ClientContext client) {
        KeyFile key = KeyFile.create(mk, password, kdf, client.host(), client.username(), client.clock().instant(),
                new SecureRandom());
        byte[] json = key.toJson();
        String id = KeyFile.idOf(json).hex();
        storage.put(Handle.of(ObjectKind.KEY, id), json);
        return id;
    }

    /**
     * Removes a key. Refuses to remove the last key (the repository would be lost) and the key
     * that opened this session (use {@link #changePassword} for that).
     */
    public void remove(String idOrPrefix) {
        List<KeyEntry> keys = list();
        KeyEntry target = resolve(keys, idOrPrefix);
        if (keys.size() == 1) {
            throw new LifeboatException(ErrorCode.REFUSED, "key " + target.id().substring(0, 8)
                    + " is the last key of the repository; removing it would make every backup unreadable",
                    "add another key first with 'lifeboat key add'");
        }
        if (target.current()) {
            throw new LifeboatException(ErrorCode.REFUSED, "key " + target.id().substring(0, 8)
                    + " is the key this session was opened with",
                    "open the repository with another key's password to remove it, or use 'lifeboat key passwd'");
        }
        storage.delete(Handle.of(ObjectKind.KEY, target.id()));
    }

    /** Replaces the current key by one for {@code newPassword}: the new key is durable before the old one goes. */
    public String changePassword(char[] newPassword, KdfParams kdf) {
        String id = add(newPassword, kdf);
        storage.delete(Handle.of(ObjectKind.KEY, currentKey));
        return id;
    }

    private static KeyEntry resolve(List<KeyEntry> keys, String idOrPrefix) {
        List<KeyEntry> matches = keys.stream().filter(k -> k.id().startsWith(idOrPrefix)).toList();
        if (matches.isEmpty()) {
            throw LifeboatException.notFound("key " + idOrPrefix, "list the keys with 'lifeboat key list'");
        }
        if (matches.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "key prefix " + idOrPrefix + " is ambiguous",
                    "give more characters of the key id");
        }
        return matches.get(0);
    }
}
