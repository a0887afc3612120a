package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** The size and distance of one (named or unnamed) vector of a collection. */
public record VectorParams(int size, String distance) {
    private static final Set<String> DISTANCES = Set.of("Cosine", "Euclid", "Dot", "Manhattan");

    public VectorParams {
        if (size < 1) {
            throw new ApiError(422, "Validation error in JSON body: [vectors.size: value " + size
                    + " invalid, must be 1 or larger]", false);
        }
        if (!DISTANCES.contains(distance)) {
            throw ApiError.badRequest("Json deserialize error: unknown variant `" + distance
                    + "`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`");
        }
    }

    static VectorParams parse(JsonNode node) {
        if (!node.isObject() || !node.path("size").canConvertToInt() || !node.path("distance").isTextual()) {
            throw ApiError.badRequest("Json deserialize error: vector params need `size` and `distance`");
        }
        return new VectorParams(node.path("size").asInt(), node.path("distance").asText());
    }

    ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("size", size);
        n.put("distance", distance);
        return n;
    }
}
