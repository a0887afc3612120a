package io.lifeboat.source.postgres;

import java.util.Objects;

/**
 * What a {@link PostgresLogicalSource} backs up and with which programs.
 *
 * @param connection the database (server, user, TLS options)
 * @param password the database password, or {@code null} when the server asks for none
 * @param tools where to find pg_dump
 */
public record PostgresSourceConfig(PgConnectionConfig connection, PgPassword password, ClientTools.Config tools) {
    public PostgresSourceConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(tools, "tools");
    }
}
