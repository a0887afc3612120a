package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClientContextTest {
    @Test
    void theSystemClockTellsTheTimeInTheSystemsZone() {
        Clock clock = ClientContext.system().clock();
        Instant before = Instant.now();
        Instant now = clock.instant();
        assertThat(Duration.between(before, now)).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(Math.abs(clock.millis() - System.currentTimeMillis())).isLessThan(5_000);
        assertThat(clock.getZone()).isEqualTo(ZoneId.systemDefault());
        Clock utc = clock.withZone(ZoneOffset.UTC);
        assertThat(utc.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(Duration.between(now, utc.instant())).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(ClientContext.system().lockPolicy()).isEqualTo(io.lifeboat.repository.lock.LockPolicy.DEFAULT);
    }
}
