/**
 * Where repository objects are kept, behind one interface with a written contract.
 *
 * <h2>Terms</h2>
 * <dl>
 *   <dt>namespace</dt>
 *   <dd>One repository's objects: a directory, an S3 prefix, a map in memory.</dd>
 *   <dt>object</dt>
 *   <dd>A byte array stored under a {@link io.lifeboat.core.storage.Handle}; written whole,
 *       read whole or by range, never modified in place (only replaced or deleted).</dd>
 *   <dt>kind</dt>
 *   <dd>{@link io.lifeboat.core.storage.ObjectKind}: which folder of the repository format an
 *       object belongs to; {@link io.lifeboat.core.storage.Storage#list} lists one kind.</dd>
 *   <dt>temporary</dt>
 *   <dd>Anything an adapter writes on the way to a complete object (a {@code .tmp-*} file, an
 *       unfinished multipart upload). Never visible through {@code list}, {@code get} or
 *       {@code stat}.</dd>
 *   <dt>location</dt>
 *   <dd>The string a user gives to name a namespace: a plain path, {@code file:/srv/repo},
 *       {@code s3:…}. A {@link io.lifeboat.core.storage.StorageFactory} accepts some locations;
 *       {@link io.lifeboat.core.storage.StorageRegistry} picks the factory for a location.</dd>
 *   <dt>wrapper</dt>
 *   <dd>A {@code Storage} that adds one shared concern around another {@code Storage}, such as
 *       {@link io.lifeboat.core.storage.RetryingStorage}; adapters stay free of such flags.</dd>
 * </dl>
 *
 * <p>The adapters themselves live in their own modules ({@code lifeboat-storage-local}, …) and
 * all pass the contract suite in {@code lifeboat-testkit}.
 */
package io.lifeboat.core.storage;
