package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompressionPaceTest {

    @Test
    void theRepositoryLevelHoldsWhileTheSourceNeverWaits() {
        CompressionPace pace = new CompressionPace(3, 4);
        pace.sourceProceeds(3);
        pace.sourceProceeds(0);
        assertThat(pace.level()).isEqualTo(3);
        assertThat(pace.fastBlobs()).isZero();
    }

    @Test
    void aWaitingSourceSwitchesToTheFastLevelUntilHalfTheSlotsAreFree() {
        CompressionPace pace = new CompressionPace(3, 4);
        pace.sourceWaits();
        assertThat(pace.level()).isEqualTo(CompressionPace.FAST_LEVEL);
        pace.sourceProceeds(1); // the encoders are catching up, not caught up
        assertThat(pace.level()).isEqualTo(CompressionPace.FAST_LEVEL);
        pace.sourceProceeds(2);
        assertThat(pace.level()).isEqualTo(3);
        assertThat(pace.fastBlobs()).isEqualTo(2);
    }

    @Test
    void aLevelAtOrBelowTheFastOneIsNeverRaised() {
        CompressionPace pace = new CompressionPace(-5, 4);
        pace.sourceWaits();
        assertThat(pace.level()).isEqualTo(-5);
        assertThat(pace.fastBlobs()).isZero();
    }

    @Test
    void poorlyCompressingBlobsAreStoredRawWhileTheSourceWaitsExceptForProbes() {
        CompressionPace pace = new CompressionPace(3, 4);
        for (int i = 0; i < 64; i++) {
            pace.compressed(65_536, 58_000); // float vectors: about 88%
        }
        assertThat(pace.compresses()).isTrue(); // the source keeps up: compression costs no time
        pace.sourceWaits();
        int compressed = 0;
        for (int i = 0; i < 10 * CompressionPace.PROBE_EVERY; i++) {
            if (pace.compresses()) {
                compressed++;
            }
        }
        assertThat(compressed).isEqualTo(10);
        assertThat(pace.rawBlobs()).isEqualTo(10L * CompressionPace.PROBE_EVERY - 10);
    }

    @Test
    void compressibleBlobsAreCompressedUnderPressure() {
        CompressionPace pace = new CompressionPace(3, 4);
        pace.sourceWaits();
        assertThat(pace.compresses()).isTrue(); // nothing known yet: assumed worth it
        for (int i = 0; i < 64; i++) {
            pace.compressed(65_536, 30_000);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(pace.compresses()).isTrue();
        }
        assertThat(pace.rawBlobs()).isZero();
    }

    @Test
    void compressibleDataAfterPoorlyCompressingDataIsCompressedAgainAfterAFewProbes() {
        CompressionPace pace = new CompressionPace(3, 4);
        pace.sourceWaits();
        for (int i = 0; i < 64; i++) {
            pace.compressed(65_536, 65_536);
        }
        assertThat(pace.compresses()).isFalse();
        for (int i = 0; i < 8; i++) {
            pace.compressed(65_536, 20_000); // what the probes find once text follows
        }
        assertThat(pace.compresses()).isTrue();
    }
}
