package io.lifeboat.testkit.qdrant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Point;
import io.lifeboat.qdrant.standin.PointId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Seeded test points: every vector of a config filled, payloads with nested objects, arrays and text. */
final class QdrantData {
    private static final String[] CITIES = {"Berlin", "London", "Zürich", "東京", "São Paulo"};

    private QdrantData() {}

    static List<Point> points(Random random, int n, CollectionConfig config) {
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PointId id = i % 10 == 9 ? PointId.of(new UUID(random.nextLong(), random.nextLong())) : PointId.of(i * 3L);
            Map<String, float[]> vectors = new LinkedHashMap<>();
            config.vectors().forEach((name, params) -> {
                float[] v = new float[params.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = random.nextFloat() * 2 - 1;
                }
                vectors.put(name, v);
            });
            ObjectNode payload = null;
            if (i % 7 != 0) {
                payload = JsonNodeFactory.instance.objectNode();
                payload.put("document_id", "doc-" + i);
                payload.put("city", CITIES[random.nextInt(CITIES.length)]);
                payload.put("score", random.nextDouble());
                payload.putArray("tags").add("t" + random.nextInt(5)).add(i);
                payload.putObject("meta").put("chunk", i % 13).putNull("none");
            }
            out.add(new Point(id, vectors, payload));
        }
        return out;
    }

    /** Polls until the condition holds, for at most ten seconds. */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
