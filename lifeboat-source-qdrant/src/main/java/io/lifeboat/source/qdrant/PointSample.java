package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A sample of a collection's points, recorded at backup time and compared after a restore: ids
 * chosen uniformly (reservoir sampling over an id-only scroll, seeded, so the same collection
 * gives the same sample) and, per id, the sha256 of its vectors and payload in a canonical
 * JSON form (object keys sorted, numbers as the server printed them, parsed and re-printed).
 *
 * @param ids the sampled ids as JSON values (number or UUID string), in id order
 * @param hashes the hash of each sampled point, in the same order
 */
public record PointSample(List<Object> ids, List<String> hashes) {
    /** Ids scrolled per request while sampling. */
    static final int PAGE = 10_000;
    /** Sampling looks at the first this many ids (in id order) of a collection, to bound the work. */
    static final long MAX_SCANNED = 2_000_000;

    public PointSample {
        ids = List.copyOf(ids);
        hashes = List.copyOf(hashes);
    }

    /** Draws up to {@code size} ids and hashes their points. */
    static PointSample take(QdrantClient client, String collection, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<JsonNode> reservoir = new ArrayList<>();
        long seen = 0;
        JsonNode offset = null;
        do {
            QdrantClient.Page page = client.scroll(collection, offset, PAGE, false);
            for (JsonNode p : page.points()) {
                JsonNode id = p.get("id");
                if (reservoir.size() < size) {
                    reservoir.add(id);
                } else {
                    long j = random.nextLong(seen + 1);
                    if (j < size) {
                        reservoir.set((int) j, id);
                    }
                }
                seen++;
            }
            offset = page.nextOffset();
        } while (offset != null && seen < MAX_SCANNED);
        if (reservoir.isEmpty()) {
            return new PointSample(List.of(), List.of());
        }
        Map<String, String> byId = hashes(client.retrieve(collection, reservoir));
        TreeMap<String, Object> sorted = new TreeMap<>();
        reservoir.forEach(id -> sorted.put(key(id), id.isNumber() ? (Object) id.asLong() : id.asText()));
        List<Object> ids = new ArrayList<>(sorted.values());
        List<String> hs = new ArrayList<>();
        sorted.keySet().forEach(k -> hs.add(byId.getOrDefault(k, "missing")));
        return new PointSample(ids, hs);
    }

    /** The points' hashes by {@link #key} of their ids. */
    static Map<String, String> hashes(List<JsonNode> points) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : points) {
            out.put(key(p.get("id")), hash(p));
        }
        return out;
    }

    /** A sortable key of an id: numbers zero-padded before UUIDs. */
    static String key(JsonNode id) {
        return id.isNumber() ? String.format("n%020d", id.asLong()) : "u" + id.asText().toLowerCase(java.util.Locale.ROOT);
    }

    static String key(Object id) {
        return id instanceof Number n ? String.format("n%020d", n.longValue()) : "u" + id.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** sha256 (hex) of the canonical form of a point's {@code vector} and {@code payload}. */
    static String hash(JsonNode point) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"payload\":");
        canonical(point.path("payload"), sb);
        sb.append(",\"vector\":");
        canonical(point.path("vector"), sb);
        sb.append('}');
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void canonical(JsonNode n, StringBuilder sb) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            sb.append("null");
        } else if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), e.getValue());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(QdrantClient.JSON.getNodeFactory().textNode(e.getKey()).toString()).append(':');
                canonical(e.getValue(), sb);
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                canonical(n.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(n.toString());
        }
    }

    Map<String, Object> toMap() {
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", ids.get(i));
            m.put("sha256", hashes.get(i));
            points.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hash", "sha256 of canonical JSON {\"payload\":…,\"vector\":…}, keys sorted");
        m.put("points", points);
        return m;
    }

    @SuppressWarnings("unchecked")
    static PointSample fromMap(Map<String, Object> m) {
        List<Object> ids = new ArrayList<>();
        List<String> hs = new ArrayList<>();
        if (m != null) {
            for (Object o : (List<Object>) m.getOrDefault("points", List.of())) {
                Map<String, Object> p = (Map<String, Object>) o;
                ids.add(p.get("id"));
                hs.add((String) p.get("sha256"));
            }
        }
        return new PointSample(ids, hs);
    }
}
