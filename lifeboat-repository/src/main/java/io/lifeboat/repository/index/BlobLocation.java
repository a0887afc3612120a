package io.lifeboat.repository.index;

import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.pack.BlobType;

/** Where a blob is stored: its pack, offset and stored length, and its plaintext length. */
public record BlobLocation(PackId pack, BlobType type, int offset, int length, int rawLength) {}
