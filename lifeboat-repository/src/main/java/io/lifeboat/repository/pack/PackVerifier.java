package io.lifeboat.repository.pack;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole pack and checks every byte of it: its hash, its header and every blob. */
public final class PackVerifier {
    private final BlobCodec codec;

    public PackVerifier(BlobCodec codec) {
        this.codec = codec;
    }

    /** The problems found in one pack; empty when the pack is sound. */
    public List<String> verify(PackId id, byte[] bytes) {
        List<String> problems = new ArrayList<>();
        if (!MessageDigest.isEqual(Sha256.of(bytes), id.bytes())) {
            problems.add("pack " + id.hex() + ": content does not match its id (SHA-256)");
        }
        List<PackEntry> entries;
        try {
            entries = PackHeader.read(codec, id, bytes);
        } catch (LifeboatException e) {
            problems.add(e.getMessage());
            return problems;
        }
        for (PackEntry e : entries) {
            try {
                codec.decode(e.id(), bytes, e.offset(), e.length());
            } catch (LifeboatException ex) {
                problems.add("pack " + id.hex() + ": blob " + e.id().hex() + ": " + ex.getMessage());
            }
        }
        return problems;
    }
}
