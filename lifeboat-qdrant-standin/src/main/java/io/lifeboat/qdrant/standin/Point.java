package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stored point: id, vectors by name ({@link CollectionConfig#DEFAULT_VECTOR} for the
 * unnamed one) and payload. Immutable; vectors are copied in and never handed out.
 */
public record Point(PointId id, Map<String, float[]> vectors, ObjectNode payload) {
    public Point {
        Objects.requireNonNull(id, "id");
        TreeMap<String, float[]> copy = new TreeMap<>();
        vectors.forEach((k, v) -> copy.put(k, v.clone()));
        vectors = java.util.Collections.unmodifiableMap(copy);
        payload = payload == null ? null : payload.deepCopy();
    }

    /** A copy of one vector, or null. */
    public float[] vector(String name) {
        float[] v = vectors.get(name);
        return v == null ? null : v.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Point p) || !id.equals(p.id) || !Objects.equals(payload, p.payload)
                || !vectors.keySet().equals(p.vectors.keySet())) {
            return false;
        }
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            if (!Arrays.equals(e.getValue(), p.vectors.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
