/**
 * JMH micro-benchmarks of the backup pipeline.
 *
 * <p>{@link io.lifeboat.bench.PipelineBenchmark} measures one core pushing a 64 MiB buffer
 * through chunk → blob id (HMAC-SHA-256) → zstd → AES-256-GCM, the work a backup does per byte
 * before packing and upload, plus each stage alone so the dominant one is visible. Inputs come
 * from {@link io.lifeboat.bench.Corpus}: text-like data that zstd halves, and random data that it
 * cannot compress. Run with {@code bench/jmh.sh}.
 */
package io.lifeboat.bench;
