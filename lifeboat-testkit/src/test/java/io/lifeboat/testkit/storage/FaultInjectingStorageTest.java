package io.lifeboat.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Fault;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultInjectingStorageTest {
    private static final Handle HANDLE = Handle.of(ObjectKind.SNAPSHOT, "s1");
    private static final byte[] CONTENT = {10, 20, 30, 40, 50};

    private final InMemoryStorage memory = new InMemoryStorage();
    private final FaultInjectingStorage faults = new FaultInjectingStorage(memory, 42);

    @Test
    void failsExactlyTheNthCallOfTheOperation() {
        faults.failCall(Operation.PUT, 2, Fault.retryableIo());

        faults.put(HANDLE, CONTENT);
        assertThatThrownBy(() -> faults.put(HANDLE, CONTENT))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageContaining("PUT call #2 of snapshots/s1");
        faults.put(HANDLE, CONTENT);
        faults.get(HANDLE);

        assertThat(faults.calls(Operation.PUT)).isEqualTo(3);
        assertThat(faults.calls(Operation.GET)).isEqualTo(1);
        assertThat(faults.injectedFaults()).isEqualTo(1);
    }

    @Test
    void failNextCountsFromNow() {
        faults.put(HANDLE, CONTENT);
        faults.failNext(Operation.PUT, 2, Fault.permanentIo());

        assertThatThrownBy(() -> faults.put(HANDLE, CONTENT)).hasMessageContaining("#2");
        assertThatThrownBy(() -> faults.put(HANDLE, CONTENT)).hasMessageContaining("#3");
        faults.put(HANDLE, CONTENT);
        assertThat(faults.injectedFaults()).isEqualTo(2);
    }

    @Test
    void failureBeforeTheCallLeavesTheStorageUntouched() {
        faults.failNext(Operation.CREATE, 1, Fault.retryableIo());

        assertThatThrownBy(() -> faults.create(HANDLE, CONTENT)).isInstanceOf(LifeboatException.class);
        assertThat(memory.stat(HANDLE)).isEmpty();
    }

    @Test
    void lostResponseWritesAndThenFails() {
        faults.failNext(Operation.CREATE, 1, Fault.lostResponse());

        assertThatThrownBy(() -> faults.create(HANDLE, CONTENT))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("after the call completed");
        assertThat(memory.get(HANDLE)).isEqualTo(CONTENT);
    }

    @Test
    void crashAfterCallKeepsTheWriteAndIsNotRetryable() {
        faults.failNext(Operation.PUT, 1, Fault.crashAfterCall());

        assertThatThrownBy(() -> faults.put(HANDLE, CONTENT))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(memory.get(HANDLE)).isEqualTo(CONTENT);
    }

    @Test
    void truncationStoresAShorterObject() {
        faults.failNext(Operation.PUT, 1, Fault.truncate(2));

        faults.put(HANDLE, CONTENT);

        assertThat(memory.get(HANDLE)).containsExactly(10, 20, 30);
    }

    @Test
    void truncationOfAReadReturnsFewerBytes() {
        memory.put(HANDLE, CONTENT);
        faults.failNext(Operation.GET_RANGE, 1, Fault.truncate(100));

        assertThat(faults.getRange(HANDLE, 1, 3)).isEmpty();
        assertThat(faults.getRange(HANDLE, 1, 3)).containsExactly(20, 30, 40);
    }

    @Test
    void corruptionFlipsOneByteOfTheStoredObject() {
        faults.failNext(Operation.PUT, 1, Fault.corrupt());
        byte[] given = CONTENT.clone();

        faults.put(HANDLE, given);

        byte[] stored = memory.get(HANDLE);
        assertThat(given).as("the caller's array").isEqualTo(CONTENT);
        int differing = 0;
        for (int i = 0; i < CONTENT.length; i++) {
            if (stored[i] != CONTENT[i]) {
                differing++;
                assertThat(stored[i]).isEqualTo((byte) ~CONTENT[i]);
            }
        }
        assertThat(differing).isEqualTo(1);
    }

    @Test
    void corruptionOfAReadLeavesTheStoredObjectIntact() {
        memory.put(HANDLE, CONTENT);
        faults.failNext(Operation.GET, 1, Fault.corrupt());

        assertThat(faults.get(HANDLE)).isNotEqualTo(CONTENT).hasSameSizeAs(CONTENT);
        assertThat(faults.get(HANDLE)).isEqualTo(CONTENT);
    }

    @Test
    void contentFaultsAreRefusedForOperationsWithoutContent() {
        assertThatThrownBy(() -> faults.failNext(Operation.DELETE, 1, Fault.corrupt()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.failNext(Operation.LIST, 1, Fault.truncate(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomFaultsRepeatWithTheSameSeed() {
        assertThat(randomFailurePattern(7)).isEqualTo(randomFailurePattern(7));
        assertThat(randomFailurePattern(7)).isNotEqualTo(randomFailurePattern(8));
    }

    @Test
    void randomFaultsStrikeAboutAsOftenAsAsked() {
        boolean[] pattern = randomFailurePattern(3);
        int failed = 0;
        for (boolean f : pattern) {
            failed += f ? 1 : 0;
        }
        assertThat(failed).isBetween(200, 400);
    }

    @Test
    void clearedFaultsNoLongerStrike() {
        faults.failRandomly(Operation.STAT, 1.0, Fault.retryableIo());
        assertThatThrownBy(() -> faults.stat(HANDLE)).isInstanceOf(LifeboatException.class);

        faults.clearFaults();

        assertThat(faults.stat(HANDLE)).isEmpty();
        assertThat(faults.calls(Operation.STAT)).isEqualTo(2);
    }

    @Test
    void firstMatchingRuleWins() {
        faults.failCall(Operation.GET, 1, Fault.permanentIo());
        faults.failNext(Operation.GET, 2, Fault.retryableIo());
        memory.put(HANDLE, CONTENT);

        List<Boolean> retryable = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try {
                faults.get(HANDLE);
            } catch (LifeboatException e) {
                retryable.add(e.retryable());
            }
        }
        assertThat(retryable).containsExactly(false, true);
        assertThat(faults.get(HANDLE)).isEqualTo(CONTENT);
    }

    private static boolean[] randomFailurePattern(long seed) {
        FaultInjectingStorage storage = new FaultInjectingStorage(new InMemoryStorage(), seed);
        storage.failRandomly(Operation.LIST, 0.3, Fault.retryableIo());
        boolean[] failed = new boolean[1000];
        for (int i = 0; i < failed.length; i++) {
            try {
                storage.list(ObjectKind.KEY);
            } catch (LifeboatException e) {
                failed[i] = true;
            }
        }
        return failed;
    }

    @Test
    void locationIsTheWrappedStoragesAndIsNeverFaulted() {
        FaultInjectingStorage named = new FaultInjectingStorage(new InMemoryStorage("named", java.time.Clock.systemUTC()));

        assertThat(named.location()).isEqualTo("memory:named");
        assertThat(named.calls(Operation.GET)).isZero();
    }
}
