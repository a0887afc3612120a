package io.lifeboat.repository.pack;

import io.lifeboat.core.id.BlobId;

/**
 * One blob inside a pack.
 *
 * @param offset where the stored (compressed, encrypted) blob starts in the pack
 * @param length stored length
 * @param rawLength plaintext length
 */
public record PackEntry(BlobType type, BlobId id, int offset, int length, int rawLength) {}
