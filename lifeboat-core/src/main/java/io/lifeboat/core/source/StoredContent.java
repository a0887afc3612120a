package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;
import java.util.List;

/** The result of storing one stream: its blobs in order, its length, and the bytes it added. */
public record StoredContent(List<BlobId> blobs, long size, long addedBytes) {
    public StoredContent {
        blobs = List.copyOf(blobs);
    }
}
