package io.lifeboat.repository.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockPolicyTest {
    @Test
    void staleAgeMustBeAtLeastTwiceTheRefreshInterval() {
        Duration refresh = Duration.ofMinutes(5);
        assertThat(new LockPolicy(refresh, Duration.ofMinutes(10), Duration.ZERO).staleAge()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new LockPolicy(refresh, Duration.ofMinutes(10).minusNanos(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice the refresh interval");
        assertThatThrownBy(() -> new LockPolicy(Duration.ZERO, Duration.ofMinutes(10), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LockPolicy(Duration.ofSeconds(-1), Duration.ofMinutes(10), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultRefreshesEveryFiveMinutesAndCallsHalfAnHourStale() {
        assertThat(LockPolicy.DEFAULT.refreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(LockPolicy.DEFAULT.staleAge()).isEqualTo(Duration.ofMinutes(30));
    }
}
