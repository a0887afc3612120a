/**
 * Repositories in a local directory (or any mounted file system): {@link
 * io.lifeboat.storage.local.LocalStorage}, its config and its factory for plain paths and
 * {@code file:} URLs.
 *
 * <h2>Layout</h2>
 * An object lives at {@code <root>/<Handle.path()>}: {@code config}, {@code keys/<id>},
 * {@code data/<first 2 chars>/<id>}, {@code wal/<system>/<timeline>/<segment>}, … Folders are
 * created when the first object needs them, with mode 0700; files get mode 0600, because the
 * repository holds wrapped keys and nobody else on the machine should read or list it.
 *
 * <h2>Terms</h2>
 * <dl>
 *   <dt>temporary</dt>
 *   <dd>A file named {@code .tmp-<random>} in the target folder, written and synced before it
 *       becomes an object. Object names never start with a dot, so listing skips every dot
 *       file. A crash leaves temporaries behind;
 *       {@link io.lifeboat.storage.local.LocalStorage#removeStaleTemporaryFiles} removes them.</dd>
 *   <dt>commit</dt>
 *   <dd>The single step that makes a synced temporary an object: a rename for {@code put}, a
 *       hard link for {@code create} (which fails when the name exists, also against other
 *       processes); then the folder is synced so that the new name survives a crash.</dd>
 * </dl>
 *
 * <h2>Steps of a write</h2>
 * <ol>
 *   <li>create missing folders, syncing each parent;</li>
 *   <li>write {@code .tmp-*} with {@code O_CREAT|O_EXCL}, {@code fsync} it;</li>
 *   <li>commit: {@code rename(tmp, name)} or {@code link(tmp, name)} + {@code unlink(tmp)};</li>
 *   <li>{@code fsync} the folder.</li>
 * </ol>
 */
package io.lifeboat.storage.local;
