package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's WAL socket in process, over a real unix domain socket in a temporary directory
 * and an in-memory repository: what each answer means for the stored data, including a
 * connection that ends in the middle of the body and a shutdown during a push.
 */
class WalSocketServerTest {
    private static final String SYS = "7312345678901234567";
    private static final String OTHER_SYS = "7399999999999999999";
    private static final String SEG = "000000010000000000000003";
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    private final InMemoryStorage storage = new InMemoryStorage();
    private final WalArchive wal = new WalArchive(storage, new BlobCodec(MasterKey.generate(new SecureRandom())));
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path socket;
    private WalSocketServer server;

    @BeforeEach
    void start() {
        socket = dir.resolve("wal.sock");
        server = new WalSocketServer(socket, new WalIntake(wal), log::add, true, 4);
        server.start(ServeCommand.socketMode("660"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pushedSegmentIsStoredExactlyAndAnIdenticalRepeatSucceeds() throws Exception {
        byte[] seg = segment(SYS, 1);
        assertThat(put(SEG, seg, null)).startsWith("HTTP/1.1 200").contains("archived " + SEG);
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
        assertThat(put(SEG, seg, null)).startsWith("HTTP/1.1 200").contains("already archived (identical)");
        assertThat(server.counts()).isEqualTo(new WalSocketServer.Counts(1, 1, 0, 0));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
    }

    @Test
    void differentContentUnderTheSameNameIsAConflictAndTheFirstStays() throws Exception {
        byte[] first = segment(SYS, 1);
        put(SEG, first, null);
        assertThat(put(SEG, segment(SYS, 2), null)).startsWith("HTTP/1.1 409").contains("different content")
                .contains("hint: ");
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(first));
    }

    @Test
    void badNameIsRefusedAndNothingIsStored() throws Exception {
        assertThat(put("pg_control", segment(SYS, 1), null)).startsWith("HTTP/1.1 400").contains("not a WAL file name");
        assertThat(put("..%2Fetc", segment(SYS, 1), null)).startsWith("HTTP/1.1 400");
        assertThat(wal.list()).isEmpty();
    }

    @Test
    void anotherSystemAndAMismatchedSystemHeaderAreRefused() throws Exception {
        put(SEG, segment(SYS, 1), null);
        assertThat(put("000000010000000000000004", segment(OTHER_SYS, 1), null)).startsWith("HTTP/1.1 422")
                .contains("system " + SYS);
        assertThat(put("000000010000000000000005", segment(SYS, 1), OTHER_SYS)).startsWith("HTTP/1.1 422")
                .contains("belongs to system " + SYS);
        assertThat(wal.list()).extracting(WalArchive.WalFile::name).containsExactly(SEG);
    }

    @Test
    void historyFileTakesTheSystemFromTheHeaderAndWithoutItIsRefused() throws Exception {
        byte[] history = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(put("00000002.history", history, null)).startsWith("HTTP/1.1 400").contains("X-Lifeboat-System-Id");
        assertThat(put("00000002.history", history, SYS)).startsWith("HTTP/1.1 200");
        assertThat(wal.fetch(SYS, "00000002.history")).hasValueSatisfying(b -> assertThat(b).isEqualTo(history));
    }

    @Test
    void segmentHandedOverByPathIsReadByTheDaemonWithTheSameAnswers() throws Exception {
        byte[] seg = segment(SYS, 1);
        Path file = Files.write(Files.createDirectories(dir.resolve("pg_wal")).resolve(SEG), seg);
        assertThat(putPath(SEG, file.toString(), null)).startsWith("HTTP/1.1 200").contains("archived " + SEG);
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
        assertThat(putPath(SEG, file.toString(), null)).startsWith("HTTP/1.1 200").contains("already archived (identical)");
        Files.write(file, segment(SYS, 2));
        assertThat(putPath(SEG, file.toString(), null)).startsWith("HTTP/1.1 409").contains("different content");
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
        Path history = Files.writeString(dir.resolve("pg_wal/00000002.history"), "1\t0/3000000\tno recovery target\n");
        byte[] historyBytes = Files.readAllBytes(history);
        assertThat(putPath("00000002.history", history.toString(), SYS)).startsWith("HTTP/1.1 200");
        assertThat(wal.fetch(SYS, "00000002.history")).hasValueSatisfying(b -> assertThat(b).isEqualTo(historyBytes));
    }

    @Test
    void pathTheDaemonCannotReadAsksForTheBytesAndAPathOfAnotherNameIsRefused() throws Exception {
        Path missing = dir.resolve("pg_wal").resolve(SEG);
        assertThat(putPath(SEG, missing.toString(), null)).startsWith("HTTP/1.1 403").contains("PUT /v1/wal/" + SEG);
        Path folder = Files.createDirectories(missing);
        assertThat(putPath(SEG, folder.toString(), null)).startsWith("HTTP/1.1 403");
        Path link = Files.createSymbolicLink(dir.resolve("000000010000000000000004"),
                Files.write(dir.resolve("target"), segment(SYS, 1)));
        assertThat(putPath("000000010000000000000004", link.toString(), null)).startsWith("HTTP/1.1 403");
        Path other = Files.write(dir.resolve("000000010000000000000005"), segment(SYS, 1));
        assertThat(putPath(SEG, other.toString(), null)).startsWith("HTTP/1.1 400");
        assertThat(putPath(SEG, "pg_wal/" + SEG, null)).startsWith("HTTP/1.1 400");
        assertThat(wal.list()).isEmpty();
    }

    @Test
    void connectionDroppedInTheMiddleOfTheBodyStoresNothing() throws Exception {
        byte[] seg = segment(SYS, 1);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(head(SEG, seg.length, null, false));
            out.write(seg, 0, seg.length / 3);
            out.flush();
        }
        awaitCounts(new WalSocketServer.Counts(0, 0, 0, 1));
        assertThat(wal.list()).isEmpty();
        assertThat(storage.list(io.lifeboat.core.storage.ObjectKind.WAL)).isEmpty();
        assertThat(log).anySatisfy(l -> assertThat(l).contains("connection dropped after " + (seg.length / 3) + " of "
                + seg.length + " bytes of " + SEG + ": nothing stored"));
        // The fallback (or PostgreSQL's retry) then stores the whole segment under the same name.
        assertThat(put(SEG, seg, null)).startsWith("HTTP/1.1 200").contains("archived " + SEG);
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBody() throws Exception {
        byte[] seg = segment(SYS, 3);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            out.write(head(SEG, seg.length, null, true));
            out.flush();
            assertThat(new String(in.readNBytes(25), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write(seg);
            out.flush();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
        }
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
    }

    @Test
    void shutdownRemovesTheSocketAndFinishesThePushInFlight() throws Exception {
        byte[] seg = segment(SYS, 4);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(head(SEG, seg.length, null, false));
            out.write(seg, 0, seg.length / 2);
            out.flush();
            Thread.sleep(200); // the server has read the head and waits for the rest of the body
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(socket)) {
                assertThat(System.nanoTime()).as("socket file removed").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(closing).isNotDone();
            assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(socket))).isInstanceOf(IOException.class);
            out.write(seg, seg.length / 2, seg.length - seg.length / 2);
            out.flush();
            assertThat(new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("HTTP/1.1 200");
            closing.get(10, TimeUnit.SECONDS);
        }
        assertThat(wal.fetch(SYS, SEG)).hasValueSatisfying(b -> assertThat(b).isEqualTo(seg));
    }

    @Test
    void staleSocketFileIsReplacedAndALiveOneRefused() throws IOException {
        assertThatThrownBy(() -> new WalSocketServer(socket, new WalIntake(wal), log::add, true, 4)
                .start(ServeCommand.socketMode("600")))
                .isInstanceOf(LifeboatException.class).hasMessageContaining("another process serves on WAL socket");
        assertThat(Files.exists(socket)).as("the live daemon's socket is left alone").isTrue();
        // A killed daemon leaves its socket file behind with nobody listening: a new daemon takes the path over.
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(Files.exists(stale)).isTrue();
        WalSocketServer second = new WalSocketServer(stale, new WalIntake(wal), log::add, true, 4);
        second.start(ServeCommand.socketMode("600"));
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stale))).isEqualTo("rw-------");
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(stale))) {
                assertThat(ch.isConnected()).isTrue();
            }
        } finally {
            second.close();
        }
        assertThat(Files.exists(stale)).isFalse();
    }

    private void awaitCounts(WalSocketServer.Counts expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.counts().equals(expected)) {
            assertThat(System.nanoTime()).as("counts " + server.counts() + " become " + expected).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private String put(String name, byte[] body, String systemId) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(head(name, body.length, systemId, false));
            out.write(body);
            out.flush();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String putPath(String name, String path, String systemId) throws IOException {
        byte[] body = path.getBytes(StandardCharsets.UTF_8);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(head("wal-by-path", name, body.length, systemId, false));
            out.write(body);
            out.flush();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] head(String name, int length, String systemId, boolean expectContinue) {
        return head("wal", name, length, systemId, expectContinue);
    }

    private static byte[] head(String resource, String name, int length, String systemId, boolean expectContinue) {
        return ("PUT /v1/" + resource + "/" + name + " HTTP/1.1\r\nHost: lifeboat\r\nContent-Length: " + length + "\r\n"
                + (systemId == null ? "" : "X-Lifeboat-System-Id: " + systemId + "\r\n")
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A segment-sized file whose first page has a long header naming {@code systemId}. */
    private static byte[] segment(String systemId, long seed) {
        byte[] b = new byte[SIZE];
        new Random(seed).nextBytes(b);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD116);
        h.putShort(2, (short) 0x0002);
        h.putLong(24, Long.parseUnsignedLong(systemId));
        return b;
    }
}
