/**
 * Real PostgreSQL servers for integration tests: {@link io.lifeboat.testkit.postgres.PgCluster}
 * starts a throwaway cluster from the distribution's binaries on a free port and removes it on close.
 */
package io.lifeboat.testkit.postgres;
