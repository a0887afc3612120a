package io.lifeboat.testkit.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.SnapshotArchive.Entry;
import io.lifeboat.qdrant.standin.SnapshotArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real shard snapshot of {@code shared/qdrant/}: an old-GNU tar whose WAL file is a GNU
 * sparse entry (10 KiB on disk, 1 MiB expanded). Expected hashes were computed independently
 * (Python's tarfile).
 */
class SampleSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLE = QdrantReference.file("sample-shard.snapshot");

    @TempDir
    Path tmp;

    @Test
    void everyEntryOfTheRealSnapshotIsReadWithTheSparseWalExpanded() throws Exception {
        List<Entry> entries = SnapshotArchive.entries(SAMPLE);

        assertThat(entries).extracting(Entry::name)
                .containsExactly("wal/", "wal/closed-255", "newest_clocks.json", "replica_state.json", "shard_config.json");
        Entry wal = entries.get(1);
        assertThat(wal.sparse()).isTrue();
        assertThat(wal.size()).isEqualTo(1 << 20);
        assertThat(wal.sha256()).isEqualTo("c4da924729d339b029d28da58fe8161ba6997203dc94ad3325f9fa2e0956d577");
        assertThat(entries.get(2).sha256()).isEqualTo("6523d623013ceaef88b572e4620f02ee5a536b27d137e6a34aa67b687a625872");
        assertThat(entries.get(3).size()).isEqualTo(87);
        assertThat(entries.get(4).size()).isEqualTo(21);
        assertThat(Files.size(SAMPLE)).isEqualTo(10_240);
    }

    @Test
    void theShardFilesSayWhatTheReadmeSays() throws Exception {
        JsonNode replica = JSON.readTree(SnapshotArchive.read(SAMPLE, "replica_state.json"));
        JsonNode shard = JSON.readTree(SnapshotArchive.read(SAMPLE, "shard_config.json"));
        JsonNode clocks = JSON.readTree(SnapshotArchive.read(SAMPLE, "newest_clocks.json"));
        byte[] wal = SnapshotArchive.read(SAMPLE, "wal/closed-255");

        assertThat(replica.path("this_peer_id").asLong()).isEqualTo(7906894357956606L);
        assertThat(replica.path("peers").path("7906894357956606").asText()).isEqualTo("Active");
        assertThat(replica.path("is_local").asBoolean()).isTrue();
        assertThat(shard.path("type").asText()).isEqualTo("ReplicaSet");
        assertThat(clocks.path("clocks")).hasSize(4).allSatisfy(c -> assertThat(c.path("peer_id").asLong())
                .isEqualTo(7987473354490347L));
        assertThat(new String(wal, 0, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("wal");
        assertThat(wal).hasSize(1 << 20);
    }

    @Test
    void standInShardDirectoriesHoldTheSameFilesAsARealShard() throws Exception {
        try (QdrantStandIn qdrant = QdrantStandIn.start()) {
            QdrantCollection c = qdrant.createCollection("docs", CollectionConfig.single(4, "Dot").withShards(2));
            c.upsert(QdrantData.points(new Random(2), 100, c.config()));
            SpecClient client = new SpecClient(qdrant.url());
            String name = client.post("/collections/docs/snapshots?wait=true", null).result().path("name").asText();
            Path file = Files.write(tmp.resolve(name),
                    client.send("GET", "/collections/docs/snapshots/" + name, null, null, true).body());

            Set<String> ours = new TreeSet<>();
            SnapshotArchive.entries(file).forEach(e -> ours.add(e.name()));
            for (Entry real : SnapshotArchive.entries(SAMPLE)) {
                if (real.sparse()) {
                    continue; // WAL segments: the stand-in keeps no WAL
                }
                assertThat(ours).contains("0/" + real.name(), "1/" + real.name());
            }
            JsonNode ourReplica = JSON.readTree(SnapshotArchive.read(file, "0/replica_state.json"));
            JsonNode realReplica = JSON.readTree(SnapshotArchive.read(SAMPLE, "replica_state.json"));
            assertThat(fields(ourReplica)).isEqualTo(fields(realReplica));
            assertThat(ourReplica.path("this_peer_id").asLong()).isEqualTo(qdrant.config().peerId());
        }
    }

    @Test
    void aShardSnapshotIsNotACollectionSnapshotAndChangesNothing() throws Exception {
        try (QdrantStandIn qdrant = QdrantStandIn.start()) {
            SpecClient.Reply r = new SpecClient(qdrant.url()).upload("/collections/shard/snapshots/upload?priority=snapshot",
                    SAMPLE, true);

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.error()).contains("config.json");
            assertThat(qdrant.collection("shard")).isEmpty();
        }
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
