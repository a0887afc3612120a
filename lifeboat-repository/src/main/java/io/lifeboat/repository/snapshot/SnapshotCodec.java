package io.lifeboat.repository.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.time.IsoInstants;

/** Encodes a {@link Snapshot} as the JSON that is sealed into {@code snapshots/<id>}. */
public final class SnapshotCodec {
    private SnapshotCodec() {}

    public static byte[] encode(Snapshot s) {
        ObjectNode o = RepositoryJson.MAPPER.createObjectNode();
        o.put("version", 1);
        o.put("time", s.time().toString());
        o.put("host", s.host());
        o.put("username", s.username());
        o.put("source", s.sourceKind());
        o.put("source_identity", s.sourceIdentity());
        o.set("paths", RepositoryJson.strings(s.paths()));
        o.set("tags", RepositoryJson.strings(s.tags()));
        o.put("parent", s.parent() == null ? null : s.parent().hex());
        o.put("root", s.root().hex());
        o.set("metadata", RepositoryJson.object(s.metadata()));
        SnapshotStats st = s.stats();
        ObjectNode stats = o.putObject("stats");
        stats.put("files", st.files());
        stats.put("directories", st.directories());
        stats.put("unchanged_files", st.unchangedFiles());
        stats.put("bytes_read", st.bytesRead());
        stats.put("blobs_added", st.blobsAdded());
        stats.put("bytes_added", st.bytesAdded());
        stats.put("stored_bytes_added", st.storedBytesAdded());
        stats.put("duration_ms", st.durationMillis());
        o.put("recovery_point", s.recoveryPoint());
        o.put("program_version", s.programVersion());
        return RepositoryJson.write(o);
    }

    public static Snapshot decode(SnapshotId id, byte[] json) {
        String what = "snapshot " + id.hex();
        JsonNode o = RepositoryJson.read(json, what);
        try {
            if (o.path("version").asInt() != 1) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": unsupported snapshot version "
                        + o.path("version").asText(), "upgrade Lifeboat to read this repository");
            }
            JsonNode st = o.path("stats");
            SnapshotStats stats = new SnapshotStats(st.path("files").asLong(), st.path("directories").asLong(),
                    st.path("unchanged_files").asLong(), st.path("bytes_read").asLong(),
                    st.path("blobs_added").asLong(), st.path("bytes_added").asLong(),
                    st.path("stored_bytes_added").asLong(), st.path("duration_ms").asLong());
            String parent = RepositoryJson.text(o, "parent");
            return new Snapshot(id, IsoInstants.parse(o.path("time").asText()), RepositoryJson.text(o, "host"),
                    RepositoryJson.text(o, "username"), o.path("source").asText(),
                    RepositoryJson.text(o, "source_identity"), RepositoryJson.strings(o.get("paths")),
                    RepositoryJson.strings(o.get("tags")), parent == null ? null : SnapshotId.parse(parent),
                    BlobId.parse(o.path("root").asText()), RepositoryJson.map(o.get("metadata")), stats,
                    RepositoryJson.text(o, "recovery_point"), RepositoryJson.text(o, "program_version"));
        } catch (RuntimeException e) {
            if (e instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": malformed content (" + e.getMessage() + ")",
                    "run 'lifeboat check' to list every damaged object", e);
        }
    }
}
