package io.lifeboat.repository.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WalArchiveTest {
    private static final String SYS = "7312345678901234567";
    private static final String SEG = "000000010000000000000003";

    private final InMemoryStorage storage = new InMemoryStorage();
    private final WalArchive wal = new WalArchive(storage, new BlobCodec(MasterKey.generate(new SecureRandom())));

    @Test
    void pushedSegmentIsFetchedBackExactlyUnderItsTimelineFolder() {
        byte[] segment = segment(1);
        assertThat(wal.push(SYS, SEG, segment)).isEqualTo(WalArchive.PushResult.STORED);
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(segment));
        assertThat(storage.stat(Handle.of(ObjectKind.WAL, SYS + "/00000001/" + SEG))).isPresent();
        assertThat(wal.list()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo(SEG);
            assertThat(f.isSegment()).isTrue();
            assertThat(f.timeline()).isEqualTo("00000001");
        });
    }

    @Test
    void identicalPushSucceedsAndDifferentContentIsRefused() {
        wal.push(SYS, SEG, segment(1));
        assertThat(wal.push(SYS, SEG, segment(1))).isEqualTo(WalArchive.PushResult.ALREADY_PRESENT);
        assertThatThrownBy(() -> wal.push(SYS, SEG, segment(2)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
                    assertThat(e.getMessage()).contains(SEG).contains("different content");
                });
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(segment(1)));
    }

    @Test
    void streamingCopyIsReplacedAndServedOnlyAsTheLastSegmentOfItsTimeline() {
        String next = "000000010000000000000004";
        wal.pushStreaming(SYS, SEG, segment(1));
        wal.pushStreaming(SYS, SEG, segment(2));
        assertThat(wal.fetchStreaming(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(segment(2)));
        assertThat(wal.fetch(SYS, SEG)).as("never served as the complete segment by fetch").isEmpty();
        assertThat(wal.fetchStreamingAsLast(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(segment(2)));
        // A segment of another timeline does not hide it; a later one of the same timeline does.
        wal.push(SYS, "000000020000000000000005", segment(3));
        assertThat(wal.fetchStreamingAsLast(SYS, SEG)).isPresent();
        wal.push(SYS, next, segment(4));
        assertThat(wal.fetchStreamingAsLast(SYS, SEG)).isEmpty();
    }

    @Test
    void streamingCopyGivesWayToTheCompleteSegment() {
        wal.pushStreaming(SYS, SEG, segment(1));
        wal.push(SYS, SEG, segment(2));
        assertThat(wal.fetchStreamingAsLast(SYS, SEG)).isEmpty();
        wal.removeStreaming(SYS, SEG);
        wal.removeStreaming(SYS, SEG);
        assertThat(wal.fetchStreaming(SYS, SEG)).isEmpty();
        assertThat(wal.list()).extracting(WalArchive.WalFile::name).containsExactly(SEG);
    }

    @Test
    void receiverStatusIsReplacedAndNotListedAsAWalFile() {
        assertThat(wal.receiverStatus(SYS)).isEmpty();
        wal.putReceiverStatus(SYS, "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        wal.putReceiverStatus(SYS, "{\"a\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(wal.receiverStatus(SYS)).hasValueSatisfying(b -> assertThat(new String(b,
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"a\":2}"));
        assertThat(wal.list()).isEmpty();
    }

    @Test
    void missingFileIsEmptyNotAnError() {
        assertThat(wal.fetch(SYS, "00000002.history")).isEmpty();
        assertThat(wal.contains(SYS, SEG)).isFalse();
    }

    @Test
    void anotherSystemIsRefused() {
        wal.push(SYS, SEG, segment(1));
        assertThatThrownBy(() -> wal.push("42", SEG, segment(1)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.getMessage()).contains(SYS).contains("42");
                });
        assertThat(wal.systemIds()).containsExactly(SYS);
    }

    @Test
    void objectMovedToAnotherNameFailsAuthentication() {
        wal.push(SYS, SEG, segment(1));
        byte[] stored = storage.get(Handle.of(ObjectKind.WAL, SYS + "/00000001/" + SEG));
        String other = "000000010000000000000004";
        storage.put(Handle.of(ObjectKind.WAL, SYS + "/00000001/" + other), stored);
        assertThatThrownBy(() -> wal.fetch(SYS, other)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
    }

    @Test
    void namesAreChecked() {
        assertThat(WalArchive.isWalFileName("00000002.history")).isTrue();
        assertThat(WalArchive.isWalFileName("000000010000000000000002.00000028.backup")).isTrue();
        assertThat(WalArchive.isWalFileName("000000010000000000000002.partial")).isTrue();
        assertThat(WalArchive.isWalFileName("00000001000000000000000g")).isFalse();
        assertThat(WalArchive.isWalFileName("../etc/passwd")).isFalse();
        assertThatThrownBy(() -> wal.push(SYS, "foo", new byte[1])).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    private static byte[] segment(long seed) {
        byte[] b = new byte[256 * 1024];
        new Random(seed).nextBytes(b);
        return b;
    }
}
