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
}
