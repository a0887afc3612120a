package io.lifeboat.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.RetryingStorage;
import io.lifeboat.core.storage.RetryingStorageConfig;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Fault;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryingStorageTest {
    private static final Handle HANDLE = Handle.of(ObjectKind.INDEX, "retried");
    private static final byte[] CONTENT = {1, 2, 3, 4};

    private final InMemoryStorage memory = new InMemoryStorage();
    private final FaultInjectingStorage faults = new FaultInjectingStorage(memory, 1);
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    private final RetryingStorage.Sleeper recorder = sleeps::add;

    private RetryingStorage retrying(RetryingStorageConfig config, RandomGenerator random) {
        return new RetryingStorage(faults, config, recorder, random);
    }

    private RetryingStorage retrying() {
        return retrying(RetryingStorageConfig.defaults(), new Random(7));
    }

    @Test
    void retriesRetryableFailuresUntilTheCallSucceeds() {
        memory.put(HANDLE, CONTENT);
        faults.failNext(Operation.GET, 2, Fault.retryableIo());

        assertThat(retrying().get(HANDLE)).isEqualTo(CONTENT);
        assertThat(faults.calls(Operation.GET)).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void retriesEveryOperation() {
        RetryingStorage storage = retrying();
        for (Operation op : Operation.values()) {
            faults.failNext(op, 1, Fault.retryableIo());
        }

        storage.put(HANDLE, CONTENT);
        assertThat(storage.create(Handle.of(ObjectKind.LOCK, "l"), CONTENT)).isTrue();
        assertThat(storage.get(HANDLE)).isEqualTo(CONTENT);
        assertThat(storage.getRange(HANDLE, 1, 2)).containsExactly(2, 3);
        assertThat(storage.stat(HANDLE)).isPresent();
        assertThat(storage.list(ObjectKind.INDEX)).hasSize(1);
        storage.delete(HANDLE);

        for (Operation op : Operation.values()) {
            assertThat(faults.calls(op)).as(op.name()).isEqualTo(2);
        }
        assertThat(memory.stat(HANDLE)).isEmpty();
    }

    @Test
    void neverRetriesNotFound() {
        assertThatThrownBy(() -> retrying().get(HANDLE))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(faults.calls(Operation.GET)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void neverRetriesNonRetryableFailures() {
        faults.failNext(Operation.PUT, 1, Fault.permanentIo());

        assertThatThrownBy(() -> retrying().put(HANDLE, CONTENT))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("call #1").doesNotContain("gave up");
                });
        assertThat(faults.calls(Operation.PUT)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(memory.stat(HANDLE)).isEmpty();
    }

    @Test
    void neverRetriesExceptionsOtherThanLifeboatExceptions() {
        RetryingStorage storage = retrying();

        assertThatThrownBy(() -> storage.getRange(HANDLE, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(faults.calls(Operation.GET_RANGE)).isEqualTo(1);
    }

    @Test
    void stopsRetryingAtTheFirstNonRetryableFailure() {
        faults.failNext(Operation.GET, 2, Fault.retryableIo());

        assertThatThrownBy(() -> retrying().get(HANDLE))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(faults.calls(Operation.GET)).isEqualTo(3);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        faults.failNext(Operation.GET, 100, Fault.retryableIo());
        RetryingStorage storage = retrying(RetryingStorageConfig.defaults().withMaxAttempts(4), new Random(7));

        assertThatThrownBy(() -> storage.get(HANDLE))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                    assertThat(e.retryable()).as("an outer retry must not multiply the attempts").isFalse();
                    assertThat(e.getMessage()).contains("call #4").contains("gave up after 4 attempts");
                    assertThat(e.getCause()).isInstanceOf(LifeboatException.class).hasMessageContaining("call #4");
                    assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                            .allSatisfy(m -> assertThat(m).containsAnyOf("call #1", "call #2", "call #3")).hasSize(3);
                    assertThat(e.hint()).isNotBlank();
                });
        assertThat(faults.calls(Operation.GET)).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void oneAttemptMeansNoRetry() {
        faults.failNext(Operation.DELETE, 1, Fault.retryableIo());
        RetryingStorage storage = retrying(RetryingStorageConfig.defaults().withMaxAttempts(1), new Random(7));

        assertThatThrownBy(() -> storage.delete(HANDLE)).hasMessageContaining("gave up after 1 attempts");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        RetryingStorageConfig config = new RetryingStorageConfig(9, Duration.ofMillis(100), Duration.ofSeconds(1));
        faults.failNext(Operation.STAT, 8, Fault.retryableIo());

        retrying(config, new Random(3)).stat(HANDLE);

        List<Duration> bases = List.of(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L, 1000L).stream()
                .map(Duration::ofMillis).toList();
        assertThat(sleeps).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(sleeps.get(i)).as("delay before retry %d", i + 1)
                    .isBetween(bases.get(i).dividedBy(2), bases.get(i));
        }
    }

    @Test
    void backoffWithoutJitterIsExactlyTheBaseDelay() {
        RetryingStorageConfig config = new RetryingStorageConfig(6, Duration.ofMillis(200), Duration.ofSeconds(1));
        faults.failNext(Operation.LIST, 5, Fault.retryableIo());
        RandomGenerator highest = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };

        retrying(config, highest).list(ObjectKind.INDEX);

        assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void defaultConfigIsFiveAttemptsFrom200MillisecondsTo10Seconds() {
        RetryingStorageConfig config = RetryingStorageConfig.defaults();

        assertThat(config.maxAttempts()).isEqualTo(5);
        assertThat(config.baseDelay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(config.baseDelay(4)).isEqualTo(Duration.ofMillis(1600));
        assertThat(config.baseDelay(7)).isEqualTo(Duration.ofMillis(10_000));
        assertThat(config.baseDelay(100)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void configRejectsNonsense() {
        assertThatThrownBy(() -> new RetryingStorageConfig(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).isNotBlank();
                })
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryingStorageConfig(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new RetryingStorageConfig(3, Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> new RetryingStorageConfig(3, Duration.ofMillis(1), Duration.ofDays(1)))
                .hasMessageContaining("at most");
    }

    @Test
    void interruptedWaitStopsWithInterruptedAndKeepsTheFlag() {
        faults.failNext(Operation.GET, 1, Fault.retryableIo());
        RetryingStorage storage = new RetryingStorage(faults, RetryingStorageConfig.defaults(), d -> {
            throw new InterruptedException("test");
        }, new Random(1));

        try {
            assertThatThrownBy(() -> storage.get(HANDLE))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED);
                        assertThat(e.getCause()).hasMessageContaining("call #1");
                    });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(faults.calls(Operation.GET)).isEqualTo(1);
    }

    // ---- create under retry ----

    @Test
    void createWhoseResponseWasLostReportsCreatedWhenItFindsItsOwnContent() {
        faults.failNext(Operation.CREATE, 1, Fault.lostResponse());

        assertThat(retrying().create(HANDLE, CONTENT)).isTrue();
        assertThat(faults.calls(Operation.CREATE)).isEqualTo(2);
        assertThat(memory.get(HANDLE)).isEqualTo(CONTENT);
    }

    @Test
    void retriedCreateThatFindsOtherContentReportsNotCreated() {
        byte[] theirs = {9, 9};
        memory.put(HANDLE, theirs);
        faults.failNext(Operation.CREATE, 1, Fault.retryableIo());

        assertThat(retrying().create(HANDLE, CONTENT)).isFalse();
        assertThat(faults.calls(Operation.CREATE)).isEqualTo(2);
        assertThat(memory.get(HANDLE)).isEqualTo(theirs);
    }

    @Test
    void firstAttemptCreateOfExistingIdenticalObjectReportsNotCreated() {
        memory.put(HANDLE, CONTENT);

        assertThat(retrying().create(HANDLE, CONTENT)).isFalse();
        assertThat(faults.calls(Operation.GET)).as("no read without an earlier failure").isZero();
    }

    @Test
    void retriedCreateRetriesAFailedReadOfTheExistingObject() {
        faults.failNext(Operation.CREATE, 1, Fault.lostResponse());
        faults.failNext(Operation.GET, 1, Fault.retryableIo());

        assertThat(retrying().create(HANDLE, CONTENT)).isTrue();
        assertThat(faults.calls(Operation.CREATE)).isEqualTo(3);
        assertThat(faults.calls(Operation.GET)).isEqualTo(2);
    }

    @Test
    void retriedCreateThatFindsTheObjectGoneReportsNotCreated() {
        faults.failNext(Operation.CREATE, 1, Fault.lostResponse());
        faults.failNext(Operation.GET, 1, new Fault.Failure(ErrorCode.NOT_FOUND, false, false));

        assertThat(retrying().create(HANDLE, CONTENT)).isFalse();
        assertThat(faults.calls(Operation.GET)).isEqualTo(1);
    }
}
