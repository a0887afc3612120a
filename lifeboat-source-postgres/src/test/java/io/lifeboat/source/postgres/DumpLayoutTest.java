package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.source.postgres.DumpLayout.Part;
import io.lifeboat.source.postgres.DumpLayout.TableRef;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpLayoutTest {
    @Test
    void partsRoundTripThroughTheSnapshotMetadata() {
        DumpLayout layout = new DumpLayout(3, List.of(
                new Part(DumpLayout.SCHEMA_NODE, true, List.of(), 0, 4096),
                new Part("data-1.pgdump", false, List.of(new TableRef("rag", "chunks")), 5_000_000_000L, 4_000_000_000L),
                new Part("data-2.pgdump", false, List.of(new TableRef("rag", "documents"), new TableRef("my.schema", "we\"ird")),
                        300, 200)));
        Map<String, Object> m = new LinkedHashMap<>();
        layout.putInto(m);
        assertThat(m).containsEntry("jobs", 3).containsKey("parts");
        assertThat(DumpLayout.fromMap(m)).isEqualTo(layout);
        assertThat(DumpLayout.fromMap(m).schemaPart().node()).isEqualTo("schema.pgdump");
        assertThat(DumpLayout.fromMap(m).dataParts()).hasSize(2);
    }

    @Test
    void aSnapshotWithoutPartsIsOneStream() {
        Map<String, Object> m = new HashMap<>();
        DumpLayout.SINGLE.putInto(m);
        assertThat(m).isEmpty();
        assertThat(DumpLayout.fromMap(Map.of("format", DumpMetadata.FORMAT)).single()).isTrue();
    }

    @Test
    void patternsQuoteEveryNameSoNoCharacterIsAWildcard() {
        assertThat(new TableRef("my.schema", "we\"ird*").pattern()).isEqualTo("\"my.schema\".\"we\"\"ird*\"");
    }
}
