package io.lifeboat.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PgClusterIT {
    @Test
    void clusterRequiresThePasswordListensOnLoopbackAndVanishesOnClose() throws Exception {
        Path dir;
        int port;
        try (PgCluster pg = PgCluster.start()) {
            dir = pg.directory();
            port = pg.port();
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_setting('listen_addresses'), current_setting('password_encryption'),"
                            + " (SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
                assertThat(rs.getString(2)).isEqualTo("scram-sha-256");
                assertThat(rs.getLong(3)).as("hba rules without password").isZero();
            }
            assertThatThrownBy(() -> pg.connect("postgres", PgCluster.SUPERUSER, "wrong"))
                    .hasMessageContaining("password authentication failed");
            pg.createDatabase("made");
            pg.execute("made", "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1)");
            assertThat(dir).isDirectory();
        }
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("server stopped").isInstanceOf(java.io.IOException.class);
    }
}
