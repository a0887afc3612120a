// A Qdrant stand-in for bench/qdrant-vs-curl.sh, launched as a single source file on the classpath of
// lifeboat-qdrant-standin: one collection "bench" with ~SIZE_MIB of points (256-dimensional vectors and a small
// payload), served on 127.0.0.1 until stdin closes. Writes "QDRANT_URL=http://127.0.0.1:PORT" to ENV_FILE.
// Usage: java -cp CP bench/QdrantStandInMain.java SIZE_MIB ENV_FILE
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Point;
import io.lifeboat.qdrant.standin.PointId;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

public class QdrantStandInMain {
    public static void main(String[] args) throws Exception {
        long mib = Long.parseLong(args[0]);
        int dim = 256;
        long points = mib * 1024 * 1024 / (dim * 4 + 80);
        try (QdrantStandIn s = QdrantStandIn.start()) {
            QdrantCollection c = s.createCollection("bench", CollectionConfig.single(dim, "Dot"));
            SplittableRandom random = new SplittableRandom(42);
            List<Point> batch = new ArrayList<>();
            for (long i = 0; i < points; i++) {
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = (float) (random.nextDouble() * 2 - 1);
                }
                ObjectNode payload = JsonNodeFactory.instance.objectNode().put("document_id", "doc-" + i).put("chunk", i % 17);
                batch.add(new Point(PointId.of(i), Map.of("", v), payload));
                if (batch.size() == 10_000) {
                    c.upsert(batch);
                    batch.clear();
                }
            }
            c.upsert(batch);
            Files.writeString(Path.of(args[1]), "QDRANT_URL=" + s.url() + "\nQDRANT_POINTS=" + points + "\n");
            System.in.read(); // until the script closes the pipe
        }
    }
}
