/**
 * Typed 32-byte ids. Blob ids are HMAC-SHA-256 of the plaintext (keyed, so they reveal nothing);
 * pack, snapshot and other object ids are SHA-256 of the stored bytes (verifiable without the
 * key). Ids print as 64 lower-case hex characters, 8 in listings.
 */
package io.lifeboat.core.id;
