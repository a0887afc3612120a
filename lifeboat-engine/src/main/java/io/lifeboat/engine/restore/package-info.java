/**
 * The restore use case. The target decides how to write (a directory, a database); the
 * repository's reader authenticates and re-hashes every blob before handing out its bytes, so a
 * damaged pack makes a restore fail loudly instead of writing wrong data.
 */
package io.lifeboat.engine.restore;
