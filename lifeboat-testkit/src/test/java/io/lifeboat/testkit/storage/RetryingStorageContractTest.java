package io.lifeboat.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.RetryingStorage;
import io.lifeboat.core.storage.RetryingStorageConfig;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Fault;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryingStorage} over a storage where one call in five fails, before or after it took
 * effect, still keeps the whole storage contract: retries hide transient failures, and a create
 * whose response was lost still has exactly one winner.
 */
class RetryingStorageContractTest extends StorageContractTest {
    private FaultInjectingStorage flaky;

    @Override
    protected Storage newStorage() {
        flaky = new FaultInjectingStorage(new InMemoryStorage(), 99);
        for (Operation op : Operation.values()) {
            flaky.failRandomly(op, 0.1, Fault.retryableIo());
            flaky.failRandomly(op, 0.1, Fault.lostResponse());
        }
        RetryingStorageConfig config = new RetryingStorageConfig(30, Duration.ofMillis(1), Duration.ofMillis(2));
        return new RetryingStorage(flaky, config, d -> {}, new Random(5));
    }

    @Test
    void faultsWereActuallyInjected() {
        for (int i = 0; i < 50; i++) {
            storage().put(dataHandle(i), content(10, i));
        }

        assertThat(storage().list(io.lifeboat.core.storage.ObjectKind.DATA)).hasSize(50);
        assertThat(flaky.injectedFaults()).isGreaterThan(5);
        assertThat(flaky.calls(Operation.PUT)).isGreaterThan(50);
    }
}
