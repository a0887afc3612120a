package io.lifeboat.repository.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RepositoryLockTest {
    private final InMemoryStorage storage = new InMemoryStorage();
    private final BlobCodec codec = new BlobCodec(MasterKey.generate(new SecureRandom()));
    private final LockPolicy policy = LockPolicy.DEFAULT;

    private RepositoryLock lock(Clock clock, boolean exclusive, String host) {
        return RepositoryLock.acquire(storage, codec, clock, policy, exclusive, "test", host, "tester");
    }

    @Test
    void sharedLocksCoexistAndBlockExclusive() {
        Clock now = Clock.systemUTC();
        try (RepositoryLock a = lock(now, false, "h1");
                RepositoryLock b = lock(now, false, "h2")) {
            assertThat(storage.list(ObjectKind.LOCK)).hasSize(2);
            assertThatThrownBy(() -> lock(now, true, "h3"))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_LOCKED);
                        assertThat(e.getMessage()).contains("shared lock held by test");
                    });
            assertThat(storage.list(ObjectKind.LOCK)).hasSize(2);
        }
        assertThat(storage.list(ObjectKind.LOCK)).isEmpty();
        try (RepositoryLock x = lock(now, true, "h3")) {
            assertThatThrownBy(() -> lock(now, false, "h1"))
                    .isInstanceOfSatisfying(LifeboatException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_LOCKED));
        }
    }

    @Test
    void lockNotRefreshedForTheStaleAgeIsReportedButDoesNotBlock() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        RepositoryLock old = lock(Clock.fixed(t0, ZoneOffset.UTC), true, "other-host");
        Clock later = Clock.fixed(t0.plus(Duration.ofMinutes(31)), ZoneOffset.UTC);
        try (RepositoryLock mine = lock(later, true, "h")) {
            assertThat(mine.staleLocks()).singleElement().asString().contains("stale", "other-host");
        }
        old.close();
    }

    @Test
    void lockOfADeadProcessOnThisHostIsStale() {
        LockInfo dead = new LockInfo(Instant.now(), true, "this-host", Long.MAX_VALUE - 1, "u", "backup");
        assertThat(dead.isStale(Instant.now(), Duration.ofMinutes(30), "this-host")).isTrue();
        assertThat(dead.isStale(Instant.now(), Duration.ofMinutes(30), "another-host")).isFalse();
        LockInfo alive = new LockInfo(Instant.now(), true, "this-host", ProcessHandle.current().pid(), "u", "backup");
        assertThat(alive.isStale(Instant.now(), Duration.ofMinutes(30), "this-host")).isFalse();
    }

    @Test
    void refreshReplacesTheLockObject() {
        try (RepositoryLock l = lock(Clock.systemUTC(), false, "h")) {
            var before = storage.list(ObjectKind.LOCK).get(0).handle();
            l.refresh();
            var after = storage.list(ObjectKind.LOCK);
            assertThat(after).hasSize(1);
            assertThat(after.get(0).handle()).isNotEqualTo(before);
            l.checkHeld();
        }
    }

    @Test
    void removeTakesOnlyStaleLocksUnlessForced() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Clock later = Clock.fixed(t0.plus(Duration.ofMinutes(31)), ZoneOffset.UTC);
        RepositoryLock abandoned = lock(Clock.fixed(t0, ZoneOffset.UTC), false, "other-host");
        try (RepositoryLock live = lock(later, false, "this-host")) {
            storage.put(io.lifeboat.core.storage.Handle.of(ObjectKind.LOCK, "00".repeat(32)), new byte[] {1, 2, 3});
            RepositoryLock.Removal gentle = RepositoryLock.remove(storage, codec, later, policy, "this-host", false);
            assertThat(gentle.removed()).singleElement().asString().contains("stale", "other-host");
            assertThat(gentle.kept()).hasSize(2).anySatisfy(k -> assertThat(k).contains("unreadable"))
                    .anySatisfy(k -> assertThat(k).contains("this-host"));
            assertThat(storage.list(ObjectKind.LOCK)).hasSize(2);

            RepositoryLock.Removal forced = RepositoryLock.remove(storage, codec, later, policy, "this-host", true);
            assertThat(forced.removed()).hasSize(2);
            assertThat(forced.kept()).isEmpty();
            assertThat(storage.list(ObjectKind.LOCK)).isEmpty();
        }
        abandoned.close();
    }
}
