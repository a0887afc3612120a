package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** Collections and points: {@code /collections}, {@code /collections/{c}}, {@code /collections/{c}/points…}. */
final class CollectionsApi {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final QdrantStandIn server;

    CollectionsApi(QdrantStandIn server) {
        this.server = server;
    }

    void route(Call call) throws IOException {
        List<String> s = call.segments;
        String m = call.method;
        if (s.size() == 1 && m.equals("GET")) {
            ArrayNode list = F.arrayNode();
            server.collections.keySet().stream().sorted().forEach(n -> list.addObject().put("name", n));
            ObjectNode r = F.objectNode();
            r.set("collections", list);
            call.ok(r);
            return;
        }
        if (s.size() < 2) {
            throw ApiError.plain(404, "");
        }
        String name = s.get(1);
        if (s.size() == 2) {
            switch (m) {
                case "GET" -> call.ok(info(existing(name)));
                case "PUT" -> create(call, name);
                case "DELETE" -> call.ok(server.collections.remove(name) != null);
                default -> throw ApiError.plain(405, "");
            }
        } else if (s.size() == 3 && s.get(2).equals("exists") && m.equals("GET")) {
            ObjectNode r = F.objectNode();
            r.put("exists", server.collections.containsKey(name));
            call.ok(r);
        } else if (s.size() == 3 && s.get(2).equals("points")) {
            switch (m) {
                case "PUT" -> upsert(call, existing(name));
                case "POST" -> retrieve(call, existing(name));
                default -> throw ApiError.plain(405, "");
            }
        } else if (s.size() == 4 && s.get(2).equals("points") && m.equals("POST")) {
            QdrantCollection c = existing(name);
            switch (s.get(3)) {
                case "scroll" -> scroll(call, c);
                case "count" -> count(call, c);
                case "query" -> query(call, c);
                case "delete" -> delete(call, c);
                default -> throw ApiError.plain(404, "");
            }
        } else if (s.size() == 4 && s.get(2).equals("points") && m.equals("GET")) {
            QdrantCollection c = existing(name);
            PointId id = parseId(s.get(3));
            Point p = c.get(id).orElseThrow(() -> ApiError.notFound("No point with id " + id + " found"));
            call.ok(PointJson.record(p, null, true, F.booleanNode(true), c.config()));
        } else {
            throw ApiError.plain(404, "");
        }
    }

    private QdrantCollection existing(String name) {
        QdrantCollection c = server.collections.get(name);
        if (c == null) {
            throw ApiError.collectionNotFound(name);
        }
        return c;
    }

    private static PointId parseId(String text) {
        try {
            return PointId.of(Long.parseUnsignedLong(text));
        } catch (NumberFormatException e) {
            return PointId.parse(F.textNode(text));
        }
    }

    private void create(Call call, String name) throws IOException {
        if (name.length() > 255 || !SnapshotStore.safe(name)) {
            throw new ApiError(422, "Validation error in path parameters: [name: collection name is invalid]", false);
        }
        CollectionConfig cfg = CollectionConfig.parseCreate(call.json());
        if (server.collections.putIfAbsent(name, new QdrantCollection(name, cfg)) != null) {
            throw new ApiError(409, "Wrong input: Collection `" + name + "` already exists!", false);
        }
        call.ok(true);
    }

    private static ObjectNode info(QdrantCollection c) {
        ObjectNode r = F.objectNode();
        r.put("status", "green");
        r.put("optimizer_status", "ok");
        r.put("indexed_vectors_count", 0);
        r.put("points_count", c.size());
        r.put("segments_count", c.config().shardNumber());
        r.set("config", c.config().json());
        r.putObject("payload_schema");
        return r;
    }

    private static void upsert(Call call, QdrantCollection c) throws IOException {
        boolean wait = call.flag("wait", false);
        List<Point> points = PointJson.parseUpsert(call.json(), c.config());
        long op = c.upsert(points);
        ObjectNode r = F.objectNode();
        r.put("operation_id", op);
        r.put("status", wait ? "completed" : "acknowledged");
        call.ok(r);
    }

    private static void delete(Call call, QdrantCollection c) throws IOException {
        boolean wait = call.flag("wait", false);
        JsonNode body = call.json();
        List<PointId> ids = new ArrayList<>();
        if (body.has("points")) {
            body.get("points").forEach(id -> ids.add(PointId.parse(id)));
        } else if (body.has("filter")) {
            Predicate<Point> f = Filter.parse(body.get("filter"));
            c.points().stream().filter(f).forEach(p -> ids.add(p.id()));
        } else {
            throw ApiError.badRequest("Json deserialize error: data did not match any variant of untagged enum PointsSelector");
        }
        long op = c.delete(ids);
        ObjectNode r = F.objectNode();
        r.put("operation_id", op);
        r.put("status", wait ? "completed" : "acknowledged");
        call.ok(r);
    }

    private static void retrieve(Call call, QdrantCollection c) throws IOException {
        JsonNode body = call.json();
        if (!body.path("ids").isArray()) {
            throw ApiError.badRequest("Json deserialize error: missing field `ids`");
        }
        ArrayNode out = F.arrayNode();
        for (JsonNode id : body.get("ids")) {
            c.get(PointId.parse(id)).ifPresent(p -> out.add(PointJson.record(p, body.get("with_payload"), true,
                    body.get("with_vector"), c.config())));
        }
        call.ok(out);
    }

    private static int limit(JsonNode body, String field, int fallback) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || n.asInt() < (field.equals("offset") ? 0 : 1)) {
            throw new ApiError(422, "Validation error in JSON body: [" + field + ": value " + n + " invalid]", false);
        }
        return n.asInt();
    }

    private static void scroll(Call call, QdrantCollection c) throws IOException {
        JsonNode body = call.json();
        int limit = limit(body, "limit", 10);
        PointId offset = body.hasNonNull("offset") ? PointId.parse(body.get("offset")) : null;
        List<Point> page = c.page(offset, limit, Filter.parse(body.get("filter")));
        ObjectNode r = F.objectNode();
        ArrayNode points = r.putArray("points");
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            points.add(PointJson.record(page.get(i), body.get("with_payload"), true, body.get("with_vector"), c.config()));
        }
        r.set("next_page_offset", page.size() > limit ? page.get(limit).id().json() : F.nullNode());
        call.ok(r);
    }

    private static void count(Call call, QdrantCollection c) throws IOException {
        JsonNode body = call.json();
        ObjectNode r = F.objectNode();
        r.put("count", c.count(Filter.parse(body.get("filter"))));
        call.ok(r);
    }

    /** Query: nearest to a vector or to a point's vector (exact, by brute force), or points in id order. */
    private static void query(Call call, QdrantCollection c) throws IOException {
        JsonNode body = call.json();
        int limit = limit(body, "limit", 10);
        int offset = limit(body, "offset", 0);
        Predicate<Point> filter = Filter.parse(body.get("filter"));
        JsonNode q = body.get("query");
        if (q != null && q.isObject() && q.has("nearest")) {
            q = q.get("nearest");
        }
        String using = body.hasNonNull("using") ? body.get("using").asText() : CollectionConfig.DEFAULT_VECTOR;
        List<ObjectNode> hits = new ArrayList<>();
        if (q == null || q.isNull()) {
            for (Point p : c.page(null, offset + limit, filter).stream().skip(offset).limit(limit).toList()) {
                hits.add(scored(p, 0f, body, c));
            }
        } else {
            VectorParams params = c.config().vectors().get(using);
            if (params == null) {
                throw ApiError.badRequest("Wrong input: Not existing vector name error: " + using);
            }
            float[] target;
            if (q.isArray()) {
                Point probe = PointJson.point(PointId.of(0), q, null,
                        new CollectionConfig(java.util.Map.of(CollectionConfig.DEFAULT_VECTOR, params), false, 1, 1, 1));
                target = probe.vector(CollectionConfig.DEFAULT_VECTOR);
            } else {
                PointId id = PointId.parse(q);
                target = c.get(id).map(p -> p.vector(using))
                        .orElseThrow(() -> ApiError.notFound("No point with id " + id + " found"));
            }
            record Hit(Point p, float score) {}
            List<Hit> all = new ArrayList<>();
            for (Point p : c.points()) {
                float[] v = p.vectors().get(using);
                if (v != null && filter.test(p)) {
                    all.add(new Hit(p, score(params.distance(), target, v)));
                }
            }
            boolean higherIsBetter = !params.distance().equals("Euclid") && !params.distance().equals("Manhattan");
            Comparator<Hit> order = Comparator.comparingDouble(Hit::score);
            all.sort(higherIsBetter ? order.reversed() : order);
            for (Hit h : all.stream().skip(offset).limit(limit).toList()) {
                hits.add(scored(h.p(), h.score(), body, c));
            }
        }
        ObjectNode r = F.objectNode();
        r.putArray("points").addAll(hits);
        call.ok(r);
    }

    private static ObjectNode scored(Point p, float score, JsonNode body, QdrantCollection c) {
        ObjectNode r = PointJson.record(p, body.get("with_payload"), false, body.get("with_vector"), c.config());
        r.put("version", 0);
        r.put("score", score);
        return r;
    }

    private static float score(String distance, float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            switch (distance) {
                case "Cosine", "Dot" -> s += (double) a[i] * b[i];
                case "Euclid" -> s += (double) (a[i] - b[i]) * (a[i] - b[i]);
                default -> s += Math.abs(a[i] - b[i]);
            }
        }
        return (float) (distance.equals("Euclid") ? Math.sqrt(s) : s);
    }
}
