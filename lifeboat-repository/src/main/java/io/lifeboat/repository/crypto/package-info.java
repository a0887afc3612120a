/**
 * Keys and the encryption of everything the repository stores.
 *
 * <p>Terms. The <em>master key</em> is 96 random bytes made once at {@code init}: a 32-byte
 * AES-256 <em>encryption key</em>, a 32-byte HMAC-SHA-256 <em>MAC key</em> and a 32-byte
 * <em>chunker seed</em>. A <em>key file</em> ({@code keys/<id>}, plain JSON) wraps the master key
 * under a <em>wrapping key</em> derived from a passphrase with Argon2id; the Argon2 parameters
 * and the salt travel in the key file. Several key files may wrap the same master key, so
 * adding a passphrase or changing one writes a new key file and rewrites no data. The key file
 * id is the SHA-256 of its JSON bytes.
 *
 * <p>Sealed format. Every encrypted object has the layout
 * {@code nonce(12) ‖ AES-256-GCM(body) ‖ tag(16)} with a random 96-bit nonce. The body starts
 * with one flag byte, {@code 0} = raw payload, {@code 1} = one zstd frame that records its
 * content size; raw is chosen whenever compression does not make the payload smaller, so an
 * incompressible blob costs exactly 29 bytes of overhead. A payload of 256 KiB or more is
 * first sampled (8 KiB at its start, middle and end): when no sample compresses below 98% of
 * its size, it is stored raw without compressing the rest, which spares zstd's time on random
 * and already-compressed data. The flag sits inside the ciphertext,
 * so it is authenticated and reveals nothing.
 *
 * <p>Blobs. A blob id is HMAC-SHA-256(MAC key, plaintext): without the key, ids reveal nothing
 * about contents. The id is the associated data of the blob's GCM seal, so a blob copied under
 * another id fails authentication. Decoding authenticates, decompresses, then recomputes the
 * HMAC and compares it with the id, which catches a wrong key or a bug that authentication alone
 * would not. Other objects (index, snapshots, locks, config, pack headers) use the same sealed
 * format with associated data chosen by their owner.
 *
 * <p>Nonces are random, which is safe for up to 2<sup>32</sup> seals per master key (about a
 * petabyte of blobs at the smallest average chunk size).
 */
package io.lifeboat.repository.crypto;
