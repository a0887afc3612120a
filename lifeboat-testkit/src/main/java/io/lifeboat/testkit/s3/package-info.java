/**
 * A real S3 protocol server for tests: {@link io.lifeboat.testkit.s3.S3Server}, S3Proxy in the
 * test JVM on 127.0.0.1 with random credentials, objects in memory or in a directory. Its
 * {@code main} runs one as a separate process for benchmarks.
 */
package io.lifeboat.testkit.s3;
