package io.lifeboat.source.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalPositionsTest {
    private static final long SEG = 16L * 1024 * 1024;

    @Test
    void lsnNamesTheSegmentHoldingIt() {
        assertThat(Lsn.parse("0/2000028").segmentName(1, SEG)).isEqualTo("000000010000000000000002");
        assertThat(Lsn.parse("1/FF000000").segmentName(3, SEG)).isEqualTo("0000000300000001000000FF");
        assertThat(Lsn.parse("0/2000028")).hasToString("0/2000028");
        assertThat(Lsn.parse("1/0").compareTo(Lsn.parse("0/FFFFFFFF"))).isPositive();
    }

    @Test
    void nextSegmentCarriesIntoTheHighWord() {
        assertThat(Lsn.nextSegment("0000000100000000000000FE", SEG)).isEqualTo("0000000100000000000000FF");
        assertThat(Lsn.nextSegment("0000000100000000000000FF", SEG)).isEqualTo("000000010000000100000000");
        assertThat(Lsn.nextSegment("000000020000000000000003", 64 * SEG)).isEqualTo("000000020000000100000000");
    }

    @Test
    void badLsnIsRejected() {
        assertThatThrownBy(() -> Lsn.parse("12345")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Lsn.parse("1/123456789")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backupLabelGivesStartAndTimeline() {
        BackupLabel l = BackupLabel.parse("""
                START WAL LOCATION: 0/6000028 (file 000000020000000000000006)
                CHECKPOINT LOCATION: 0/6000060
                BACKUP METHOD: streamed
                BACKUP FROM: primary
                START TIME: 2026-11-30 20:00:00 UTC
                LABEL: lifeboat
                START TIMELINE: 2
                """);
        assertThat(l.startLsn()).isEqualTo(Lsn.parse("0/6000028"));
        assertThat(l.startWalFile()).isEqualTo("000000020000000000000006");
        assertThat(l.timeline()).isEqualTo(2);
        assertThat(l.startTime()).isEqualTo("2026-11-30 20:00:00 UTC");
    }

    @Test
    void manifestAndVerboseOutputGiveTheEndPoint() {
        String manifest = """
                { "PostgreSQL-Backup-Manifest-Version": 1,
                "WAL-Ranges": [
                { "Timeline": 1, "Start-LSN": "0/2000028", "End-LSN": "0/2000100" }
                ],
                "Manifest-Checksum": "x"}
                """;
        assertThat(BackupManifestFacts.walRange(manifest)).hasValue(
                new BackupManifestFacts.WalRange(1, Lsn.parse("0/2000028"), Lsn.parse("0/2000100")));
        assertThat(BackupManifestFacts.endPoint(List.of("pg_basebackup: checkpoint completed",
                "pg_basebackup: write-ahead log end point: 0/5000138"))).hasValue(Lsn.parse("0/5000138"));
        assertThat(BackupManifestFacts.walRange("{}")).isEmpty();
    }

    @Test
    void recoverySettingsFollowTheTarget() {
        RecoveryTarget t = new RecoveryTarget(RecoveryTarget.Kind.TIME, "2026-11-30 20:00:01.5+00", false, "promote", "latest");
        assertThat(t.settings("lifeboat wal fetch %f \"%p\"")).containsExactly(
                "restore_command = 'lifeboat wal fetch %f \"%p\"'",
                "recovery_target_time = '2026-11-30 20:00:01.5+00'",
                "recovery_target_inclusive = off",
                "recovery_target_action = 'promote'",
                "recovery_target_timeline = 'latest'");
        assertThat(new RecoveryTarget(RecoveryTarget.Kind.NAME, "it's", true, "pause", "2").settings("x"))
                .contains("recovery_target_name = 'it''s'", "recovery_target_timeline = '2'");
        assertThat(new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, null, true, "shutdown", "current").settings("x"))
                .contains("recovery_target = 'immediate'").noneMatch(s -> s.startsWith("recovery_target_inclusive"));
        assertThat(RecoveryTarget.latest().settings("x")).containsExactly("restore_command = 'x'",
                "recovery_target_timeline = 'latest'");
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.LSN, "nope", true, "promote", "latest"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.NONE, null, true, "explode", "latest"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
