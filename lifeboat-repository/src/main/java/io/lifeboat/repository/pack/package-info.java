/**
 * Packs: files of about 16 MiB that group encoded blobs so object stores see few requests.
 *
 * <p>Layout: {@code blob₁ … blobₙ ‖ seal(header) ‖ len(seal(header)):u32le}. Each blob is
 * {@code nonce ‖ AES-GCM(flag ‖ zstd(plaintext) | plaintext)} with the blob id as associated
 * data; the header lists (type, id, stored length, plaintext length) per blob, offsets implied.
 * The pack id is the SHA-256 of the pack bytes, so storage corruption is detectable without the
 * key; blob ids are HMACs, so nothing about the plaintext leaks to someone without the key.
 */
package io.lifeboat.repository.pack;
