package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a collection is created with. {@code named} tells the two forms of
 * {@code params.vectors} apart: one unnamed vector (stored under the name {@code ""}) or a map
 * of named vectors.
 */
public record CollectionConfig(Map<String, VectorParams> vectors, boolean named, int shardNumber,
        int replicationFactor, int writeConsistencyFactor) {

    /** The key of the unnamed vector. */
    public static final String DEFAULT_VECTOR = "";

    public CollectionConfig {
        vectors = Map.copyOf(vectors);
        if (!named && (vectors.size() != 1 || !vectors.containsKey(DEFAULT_VECTOR))) {
            throw new IllegalArgumentException("an unnamed vector config has exactly one vector");
        }
    }

    public static CollectionConfig single(int size, String distance) {
        return new CollectionConfig(Map.of(DEFAULT_VECTOR, new VectorParams(size, distance)), false, 1, 1, 1);
    }

    public static CollectionConfig named(Map<String, VectorParams> vectors) {
        return new CollectionConfig(vectors, true, 1, 1, 1);
    }

    public CollectionConfig withShards(int shards) {
        return new CollectionConfig(vectors, named, shards, replicationFactor, writeConsistencyFactor);
    }

    /** Parses the body of {@code PUT /collections/{name}} (CreateCollection). */
    static CollectionConfig parseCreate(JsonNode body) {
        JsonNode v = body.path("vectors");
        int shards = intOr(body, "shard_number", 1);
        int replication = intOr(body, "replication_factor", 1);
        int consistency = intOr(body, "write_consistency_factor", 1);
        if (v.isMissingNode() || v.isNull()) {
            return new CollectionConfig(Map.of(), true, shards, replication, consistency);
        }
        if (v.has("size") || v.has("distance")) {
            return new CollectionConfig(Map.of(DEFAULT_VECTOR, VectorParams.parse(v)), false, shards, replication,
                    consistency);
        }
        Map<String, VectorParams> named = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            named.put(e.getKey(), VectorParams.parse(e.getValue()));
        }
        return new CollectionConfig(named, true, shards, replication, consistency);
    }

    private static int intOr(JsonNode body, String field, int fallback) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || n.asInt() < 1) {
            throw new ApiError(422, "Validation error in JSON body: [" + field + ": value " + n
                    + " invalid, must be 1 or larger]", false);
        }
        return n.asInt();
    }

    /** {@code params.vectors} as the API shows it. */
    JsonNode vectorsJson() {
        if (!named) {
            return vectors.get(DEFAULT_VECTOR).json();
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(vectors).forEach((k, p) -> n.set(k, p.json()));
        return n;
    }

    /** The collection {@code config} object of CollectionInfo, also stored as {@code config.json} in snapshots. */
    ObjectNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode config = f.objectNode();
        ObjectNode params = config.putObject("params");
        params.set("vectors", vectorsJson());
        params.put("shard_number", shardNumber);
        params.put("replication_factor", replicationFactor);
        params.put("write_consistency_factor", writeConsistencyFactor);
        params.put("on_disk_payload", true);
        ObjectNode hnsw = config.putObject("hnsw_config");
        hnsw.put("m", 16);
        hnsw.put("ef_construct", 100);
        hnsw.put("full_scan_threshold", 10000);
        hnsw.put("max_indexing_threads", 0);
        hnsw.put("on_disk", false);
        ObjectNode opt = config.putObject("optimizer_config");
        opt.put("deleted_threshold", 0.2);
        opt.put("vacuum_min_vector_number", 1000);
        opt.put("default_segment_number", 0);
        opt.putNull("max_segment_size");
        opt.putNull("memmap_threshold");
        opt.put("indexing_threshold", 10000);
        opt.put("flush_interval_sec", 5);
        opt.putNull("max_optimization_threads");
        ObjectNode wal = config.putObject("wal_config");
        wal.put("wal_capacity_mb", 32);
        wal.put("wal_segments_ahead", 0);
        wal.put("wal_retain_closed", 1);
        config.putNull("quantization_config");
        return config;
    }

    /** Reads {@code config.json} of a snapshot. */
    static CollectionConfig fromJson(JsonNode config) {
        JsonNode params = config.path("params");
        ObjectNode create = JsonNodeFactory.instance.objectNode();
        create.set("vectors", params.path("vectors"));
        for (String f : new String[] {"shard_number", "replication_factor", "write_consistency_factor"}) {
            if (params.has(f)) {
                create.set(f, params.get(f));
            }
        }
        return parseCreate(create);
    }

    /** Why a snapshot of this config cannot overwrite a collection with {@code existing}; null when it can. */
    String incompatibilityWith(CollectionConfig existing) {
        if (!vectors.equals(existing.vectors) || named != existing.named) {
            return "vector parameters differ: snapshot has " + vectorsJson() + ", collection has " + existing.vectorsJson();
        }
        if (shardNumber != existing.shardNumber) {
            return "shard number differs: snapshot has " + shardNumber + ", collection has " + existing.shardNumber;
        }
        return null;
    }
}
