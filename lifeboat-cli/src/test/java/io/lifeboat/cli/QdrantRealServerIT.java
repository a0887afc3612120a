package io.lifeboat.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/**
 * The opt-in profile: every {@link QdrantCliIT} test against the real Qdrant server of
 * {@code QDRANT_URL} (with {@code QDRANT_API_KEY} when it needs one). Without {@code QDRANT_URL}
 * all of them are skipped, and reported as skipped. Collections get unique names and are deleted
 * afterwards; the tests that need the stand-in's fault injection skip.
 */
class QdrantRealServerIT extends QdrantCliIT {
    @BeforeEach
    void needsARealServer() {
        assumeTrue(QdrantServer.real(), "QDRANT_URL is not set: no real Qdrant server to test against");
    }

    @Override
    boolean realServer() {
        return true;
    }
}
