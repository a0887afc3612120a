/**
 * Test support for storage: an in-memory adapter, a fault-injecting wrapper, and the contract
 * suite every {@link io.lifeboat.core.storage.Storage} adapter passes.
 *
 * <h2>Terms</h2>
 * <dl>
 *   <dt>contract suite</dt>
 *   <dd>{@link io.lifeboat.testkit.storage.StorageContractTest}: an abstract JUnit class, one
 *       test per clause of the {@code Storage} contract. An adapter's test extends it and says
 *       how to make a fresh, empty storage.</dd>
 *   <dt>fault</dt>
 *   <dd>A {@link io.lifeboat.testkit.storage.FaultInjectingStorage.Fault}: what goes wrong on one
 *       call (an exception before or after the call reaches the wrapped storage, a truncated or
 *       corrupted object).</dd>
 *   <dt>trigger</dt>
 *   <dd>Which calls of an operation get a fault: the n-th call, the next k calls, or each call
 *       with a probability drawn from a seeded random generator (so failures repeat run after
 *       run).</dd>
 * </dl>
 */
package io.lifeboat.testkit.storage;
