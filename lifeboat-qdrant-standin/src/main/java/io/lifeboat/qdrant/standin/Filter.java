package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The part of Qdrant's filter language tests need: {@code must}, {@code should},
 * {@code must_not} and {@code min_should}-free nesting over {@code has_id}, {@code match}
 * ({@code value}, {@code any}, {@code except}) and {@code range} conditions on top-level or
 * dotted payload keys. Anything else is refused with 400 rather than silently ignored.
 */
final class Filter {
    private Filter() {}

    static Predicate<Point> parse(JsonNode filter) {
        if (filter == null || filter.isNull() || filter.isMissingNode()) {
            return p -> true;
        }
        if (!filter.isObject()) {
            throw ApiError.badRequest("Json deserialize error: filter must be an object");
        }
        Predicate<Point> result = p -> true;
        for (var it = filter.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            Predicate<Point> clause = switch (e.getKey()) {
                case "must" -> all(e.getValue());
                case "should" -> any(e.getValue());
                case "must_not" -> any(e.getValue()).negate();
                default -> throw ApiError.badRequest("Json deserialize error: the stand-in does not support filter clause `"
                        + e.getKey() + "`");
            };
            result = result.and(clause);
        }
        return result;
    }

    private static Iterable<JsonNode> conditions(JsonNode n) {
        return n.isArray() ? n : java.util.List.of(n);
    }

    private static Predicate<Point> all(JsonNode list) {
        Predicate<Point> p = x -> true;
        for (JsonNode c : conditions(list)) {
            p = p.and(condition(c));
        }
        return p;
    }

    private static Predicate<Point> any(JsonNode list) {
        Predicate<Point> p = x -> false;
        for (JsonNode c : conditions(list)) {
            p = p.or(condition(c));
        }
        return p;
    }

    private static Predicate<Point> condition(JsonNode c) {
        if (c.has("has_id")) {
            Set<PointId> ids = new HashSet<>();
            c.get("has_id").forEach(id -> ids.add(PointId.parse(id)));
            return p -> ids.contains(p.id());
        }
        if (c.has("must") || c.has("should") || c.has("must_not")) {
            return parse(c);
        }
        if (c.has("key")) {
            String key = c.get("key").asText();
            if (c.has("match")) {
                JsonNode m = c.get("match");
                if (m.has("value")) {
                    return p -> values(p, key).contains(m.get("value"));
                }
                if (m.has("any")) {
                    Set<JsonNode> any = new HashSet<>();
                    m.get("any").forEach(any::add);
                    return p -> values(p, key).stream().anyMatch(any::contains);
                }
                if (m.has("except")) {
                    Set<JsonNode> except = new HashSet<>();
                    m.get("except").forEach(except::add);
                    return p -> values(p, key).stream().noneMatch(except::contains);
                }
            }
            if (c.has("range")) {
                JsonNode r = c.get("range");
                return p -> values(p, key).stream().filter(JsonNode::isNumber).anyMatch(v -> inRange(v.asDouble(), r));
            }
        }
        throw ApiError.badRequest("Json deserialize error: the stand-in does not support the filter condition " + c);
    }

    private static boolean inRange(double v, JsonNode r) {
        return (!r.hasNonNull("gt") || v > r.get("gt").asDouble()) && (!r.hasNonNull("gte") || v >= r.get("gte").asDouble())
                && (!r.hasNonNull("lt") || v < r.get("lt").asDouble()) && (!r.hasNonNull("lte") || v <= r.get("lte").asDouble());
    }

    /** The values at a dotted key; arrays are flattened, as Qdrant matches any element. */
    private static java.util.List<JsonNode> values(Point p, String key) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        if (p.payload() == null) {
            return out;
        }
        JsonNode n = p.payload();
        for (String part : key.split("\\.")) {
            n = n.path(part);
        }
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (!n.isMissingNode()) {
            out.add(n);
        }
        return out;
    }
}
