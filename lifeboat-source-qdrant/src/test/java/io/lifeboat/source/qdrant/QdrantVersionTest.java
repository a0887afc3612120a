package io.lifeboat.source.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QdrantVersionTest {
    @Test
    void parsesReleaseAndDevVersions() {
        assertThat(QdrantVersion.parse("1.19.0")).isEqualTo(new QdrantVersion(1, 19, 0));
        assertThat(QdrantVersion.parse("v1.13.2-dev")).isEqualTo(new QdrantVersion(1, 13, 2));
        assertThat(QdrantVersion.parse("1.7")).isEqualTo(new QdrantVersion(1, 7, 0));
        assertThat(QdrantVersion.parse("qdrant")).isNull();
        assertThat(QdrantVersion.parse(null)).isNull();
    }

    @Test
    void aServerAcceptsSnapshotsOfItsOwnAndThePreviousMinorOnly() {
        QdrantVersion server = new QdrantVersion(1, 19, 0);
        assertThat(server.accepts(new QdrantVersion(1, 19, 3))).isTrue();
        assertThat(server.accepts(new QdrantVersion(1, 18, 0))).isTrue();
        assertThat(server.accepts(new QdrantVersion(1, 17, 9))).as("two minors back").isFalse();
        assertThat(server.accepts(new QdrantVersion(1, 20, 0))).as("a newer snapshot").isFalse();
        assertThat(server.accepts(new QdrantVersion(2, 19, 0))).isFalse();
    }
}
