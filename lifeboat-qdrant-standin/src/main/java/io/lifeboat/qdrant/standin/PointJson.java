package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Points to and from the API's JSON, checked against a collection's vector config as Qdrant checks them. */
final class PointJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PointJson() {}

    /** Parses the body of {@code PUT /collections/{c}/points}: a PointsList or a PointsBatch. */
    static List<Point> parseUpsert(JsonNode body, CollectionConfig config) {
        List<Point> out = new ArrayList<>();
        if (body.has("points")) {
            if (!body.get("points").isArray()) {
                throw ApiError.badRequest("Json deserialize error: `points` must be an array");
            }
            for (JsonNode p : body.get("points")) {
                out.add(point(PointId.parse(p.get("id")), p.get("vector"), p.get("payload"), config));
            }
        } else if (body.has("batch")) {
            JsonNode b = body.get("batch");
            JsonNode ids = b.path("ids");
            for (int i = 0; i < ids.size(); i++) {
                JsonNode vector = batchVector(b.path("vectors"), i);
                JsonNode payload = b.path("payloads").isArray() ? b.path("payloads").get(i) : null;
                out.add(point(PointId.parse(ids.get(i)), vector, payload, config));
            }
        } else {
            throw ApiError.badRequest("Json deserialize error: data did not match any variant of untagged enum "
                    + "PointInsertOperations");
        }
        return out;
    }

    private static JsonNode batchVector(JsonNode vectors, int i) {
        if (vectors.isArray()) {
            return vectors.get(i);
        }
        ObjectNode named = F.objectNode();
        vectors.fields().forEachRemaining(e -> named.set(e.getKey(), e.getValue().get(i)));
        return named;
    }

    static Point point(PointId id, JsonNode vector, JsonNode payload, CollectionConfig config) {
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw ApiError.badRequest("Json deserialize error: payload must be an object");
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        if (vector == null || vector.isNull()) {
            throw ApiError.badRequest("Json deserialize error: missing field `vector`");
        } else if (vector.isArray()) {
            vectors.put(CollectionConfig.DEFAULT_VECTOR, floats(vector));
        } else if (vector.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vector.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                vectors.put(e.getKey(), floats(e.getValue()));
            }
        } else {
            throw ApiError.badRequest("Json deserialize error: data did not match any variant of untagged enum VectorStruct");
        }
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            VectorParams params = config.vectors().get(e.getKey());
            if (params == null) {
                throw ApiError.badRequest("Wrong input: Not existing vector name error: "
                        + (e.getKey().isEmpty() ? "(unnamed vector)" : e.getKey()));
            }
            if (e.getValue().length != params.size()) {
                throw ApiError.badRequest("Wrong input: Vector dimension error: expected dim: " + params.size()
                        + ", got " + e.getValue().length);
            }
            if (params.distance().equals("Cosine")) {
                normalize(e.getValue());
            }
        }
        return new Point(id, vectors, payload == null || payload.isNull() ? null : (ObjectNode) payload);
    }

    private static float[] floats(JsonNode array) {
        if (!array.isArray()) {
            throw ApiError.badRequest("Json deserialize error: a vector must be an array of numbers");
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isNumber()) {
                throw ApiError.badRequest("Json deserialize error: invalid type: " + n.getNodeType().name().toLowerCase()
                        + ", expected f32");
            }
            v[i] = n.floatValue();
        }
        return v;
    }

    /** Qdrant stores Cosine vectors normalised, and returns them so. */
    private static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        float len = (float) Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] / len;
        }
    }

    /** A Record: id, payload and vector as selected by {@code with_payload} and {@code with_vector}. */
    static ObjectNode record(Point p, JsonNode withPayload, boolean payloadDefault, JsonNode withVector,
            CollectionConfig config) {
        ObjectNode r = F.objectNode();
        r.set("id", p.id().json());
        r.set("payload", payload(p, withPayload, payloadDefault));
        r.set("vector", vector(p, withVector, config));
        return r;
    }

    private static JsonNode payload(Point p, JsonNode with, boolean byDefault) {
        ObjectNode all = p.payload() == null ? F.objectNode() : p.payload();
        if (with == null || with.isNull() || with.isMissingNode()) {
            return byDefault ? all.deepCopy() : F.nullNode();
        }
        if (with.isBoolean()) {
            return with.asBoolean() ? all.deepCopy() : F.nullNode();
        }
        Set<String> include = new HashSet<>();
        Set<String> exclude = new HashSet<>();
        if (with.isArray()) {
            with.forEach(k -> include.add(k.asText()));
        } else {
            with.path("include").forEach(k -> include.add(k.asText()));
            with.path("exclude").forEach(k -> exclude.add(k.asText()));
        }
        ObjectNode out = F.objectNode();
        all.fields().forEachRemaining(e -> {
            if ((include.isEmpty() || include.contains(e.getKey())) && !exclude.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return out;
    }

    private static JsonNode vector(Point p, JsonNode with, CollectionConfig config) {
        if (with == null || with.isNull() || with.isMissingNode() || (with.isBoolean() && !with.asBoolean())) {
            return F.nullNode();
        }
        Set<String> names = new HashSet<>();
        if (with.isArray()) {
            with.forEach(n -> names.add(n.asText()));
        }
        if (!config.named()) {
            return array(p.vectors().get(CollectionConfig.DEFAULT_VECTOR));
        }
        ObjectNode out = F.objectNode();
        p.vectors().forEach((k, v) -> {
            if (names.isEmpty() || names.contains(k)) {
                out.set(k, array(v));
            }
        });
        return out;
    }

    private static ArrayNode array(float[] v) {
        ArrayNode a = F.arrayNode(v.length);
        for (float x : v) {
            a.add(x);
        }
        return a;
    }
}
