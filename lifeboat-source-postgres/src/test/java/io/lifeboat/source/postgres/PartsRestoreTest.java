package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartsRestoreTest {
    @Test
    void onlyPlainIndexEntriesOfTheTableOfContentsAreBuiltInParallel() {
        assertThat(PartsRestore.isIndex("3205; 1259 16437 INDEX rag chunks_content_trgm postgres")).isTrue();
        assertThat(PartsRestore.isIndex("3206; 1259 16438 INDEX public \"we ird\" app")).isTrue();
        assertThat(PartsRestore.isIndex("3208; 2606 16425 CONSTRAINT rag chunks chunks_pkey postgres")).isFalse();
        assertThat(PartsRestore.isIndex("3212; 2606 16440 FK CONSTRAINT rag chunks chunks_document_id_fkey postgres")).isFalse();
        assertThat(PartsRestore.isIndex("3300; 0 0 INDEX ATTACH public p1_idx postgres")).isFalse();
        assertThat(PartsRestore.isIndex("3301; 1259 16500 INDEX ATTACH public p2_idx postgres")).isFalse();
        assertThat(PartsRestore.isIndex("3100; 2620 16450 TRIGGER rag chunks touch postgres")).isFalse();
        assertThat(PartsRestore.isIndex("3000; 0 16399 TABLE DATA rag chunks postgres")).isFalse();
        assertThat(PartsRestore.isIndex(";     Dump Version: 1.14-0")).isFalse();
    }
}
