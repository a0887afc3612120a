package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.source.postgres.DumpMetadata.Extension;
import io.lifeboat.source.postgres.DumpMetadata.TableCount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpMetadataTest {
    @Test
    void mapFormRoundTripsEvenWhenJsonDecodingNarrowsNumbers() {
        DumpMetadata m = new DumpMetadata("db", 5432, "app", "rag", "15.14", 150014, "7312345678901234567", 123_456_789_012L,
                "UTF8", "C.UTF-8", "C.UTF-8", List.of(new Extension("pg_trgm", "1.6", "public")), "00000003-0000001B-1",
                "2026-11-30T19:00:00.000000Z", "0/3000148", List.of(new TableCount("rag", "chunks", 5_000_000_000L),
                        new TableCount("public", "t", 3)), DumpMetadata.FORMAT, 42, "pg_dump (PostgreSQL) 15.14", 15);
        Map<String, Object> map = m.toMap();
        assertThat(map.get("total_rows")).isEqualTo(5_000_000_003L);
        assertThat(DumpMetadata.fromMap(map)).isEqualTo(m);
        assertThat(DumpMetadata.fromMap(narrowed(map))).isEqualTo(m);
        assertThat(m.serverMajor()).isEqualTo(15);
    }

    /** What Jackson hands back: ints where they fit. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> narrowed(Map<String, Object> in) {
        Map<String, Object> out = new HashMap<>();
        in.forEach((k, v) -> out.put(k, narrow(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object narrow(Object v) {
        if (v instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        if (v instanceof Map<?, ?> m) {
            return narrowed((Map<String, Object>) m);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(x -> out.add(narrow(x)));
            return out;
        }
        return v;
    }
}
