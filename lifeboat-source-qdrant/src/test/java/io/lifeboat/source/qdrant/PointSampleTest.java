package io.lifeboat.source.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PointSampleTest {
    private static JsonNode json(String s) throws Exception {
        return QdrantClient.JSON.readTree(s);
    }

    @Test
    void hashIgnoresKeyOrderButNotValues() throws Exception {
        String a = PointSample.hash(json("{\"id\":1,\"vector\":{\"b\":[0.5,1.25],\"a\":[2.0]},\"payload\":{\"x\":1,\"y\":{\"q\":\"é\",\"p\":null}}}"));
        String b = PointSample.hash(json("{\"payload\":{\"y\":{\"p\":null,\"q\":\"é\"},\"x\":1},\"vector\":{\"a\":[2.0],\"b\":[0.5,1.25]},\"id\":1}"));
        String c = PointSample.hash(json("{\"id\":1,\"vector\":{\"b\":[0.5,1.26],\"a\":[2.0]},\"payload\":{\"x\":1,\"y\":{\"q\":\"é\",\"p\":null}}}"));
        String d = PointSample.hash(json("{\"id\":1,\"vector\":{\"b\":[0.5,1.25],\"a\":[2.0]},\"payload\":{\"x\":2,\"y\":{\"q\":\"é\",\"p\":null}}}"));
        assertThat(a).hasSize(64).isEqualTo(b);
        assertThat(c).as("a changed vector").isNotEqualTo(a);
        assertThat(d).as("a changed payload").isNotEqualTo(a);
        assertThat(PointSample.hash(json("{\"id\":2}"))).as("no vector, no payload")
                .isEqualTo(PointSample.hash(json("{\"id\":3,\"payload\":null}")));
    }

    @Test
    void keysSortNumbersBeforeUuidsAndSurviveTheMetadataRoundTrip() throws Exception {
        assertThat(PointSample.key(json("7"))).isEqualTo(PointSample.key((Object) 7L));
        assertThat(PointSample.key(json("\"5C56C793-69F3-4FBF-87E6-C4BF54C28C26\"")))
                .isEqualTo(PointSample.key((Object) "5c56c793-69f3-4fbf-87e6-c4bf54c28c26"));
        assertThat(PointSample.key(json("12")).compareTo(PointSample.key(json("9")))).isPositive();
        PointSample s = new PointSample(List.of(3L, "5c56c793-69f3-4fbf-87e6-c4bf54c28c26"), List.of("aa", "bb"));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = QdrantClient.JSON.readValue(QdrantClient.JSON.writeValueAsString(s.toMap()), Map.class);
        PointSample back = PointSample.fromMap(m);
        assertThat(back.hashes()).containsExactly("aa", "bb");
        assertThat(back.ids()).hasSize(2);
        assertThat(PointSample.key(back.ids().get(0))).isEqualTo(PointSample.key((Object) 3L));
    }
}
