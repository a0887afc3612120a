package io.lifeboat.testkit.storage;

import io.lifeboat.core.storage.Storage;

class InMemoryStorageTest extends StorageContractTest {

    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }
}
