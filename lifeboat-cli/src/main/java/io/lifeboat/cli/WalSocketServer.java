package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.io.FileChannels;
import io.lifeboat.repository.wal.WalArchive;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The daemon's WAL fast path: a unix domain socket where {@code lifeboat-wal-push} (PostgreSQL's
 * {@code archive_command}) hands over one WAL file per connection, {@code PUT /v1/wal/<name>} with
 * the file as the body, optionally {@code X-Lifeboat-System-Id}. The answer comes only once the
 * file is durable in the repository: 200 (stored or identical already), 409 (the name is
 * archived with other content), 422 (another system, or a segment whose header names another
 * system than the client did), 400 (bad name or request), 503 (shutting down), 500 (storage
 * failure; the client falls back to a direct push). A connection that ends before its body is
 * complete stores nothing. {@code GET /v1/health} answers 200 while serving.
 *
 * <p>{@code PUT /v1/wal-by-path/<name>} hands over the absolute path of the file (the body, UTF-8)
 * instead of its bytes, sparing a 16 MiB trip through the socket when the daemon can read the
 * server's {@code pg_wal}: the daemon reads the file itself and answers as above. It reads only a
 * regular file whose name is {@code <name>}; when it cannot (missing, not readable by the daemon's
 * user, too large) it answers 403 and the client sends the bytes with {@code PUT /v1/wal/<name>},
 * as it also does on the 404 of a daemon that predates this request.
 *
 * <p>Each connection runs on its own virtual thread, at most {@code maxConnections} at a time
 * (the rest wait in the socket's backlog); each has {@link #EXCHANGE_TIMEOUT} to finish. The
 * socket file is created with {@code mode}; a stale one (nobody listening) is replaced, a live
 * one is refused. {@link #close()} stops accepting, removes the socket file, lets in-flight
 * pushes finish and answers 503 to requests that had not started their body.
 */
final class WalSocketServer implements AutoCloseable {
    static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
    /** The largest WAL segment PostgreSQL allows (initdb --wal-segsize 1024). */
    static final long MAX_BODY = 1L << 30;
    static final String SYSTEM_ID_HEADER = "x-lifeboat-system-id";
    private static final String WAL_PREFIX = "/v1/wal/";
    private static final String WAL_BY_PATH_PREFIX = "/v1/wal-by-path/";
    /** PATH_MAX of Linux. */
    private static final int MAX_PATH_BODY = 4096;

    /** What the server did so far. */
    record Counts(long stored, long alreadyPresent, long refused, long dropped) {}

    private final Path socket;
    private final WalIntake intake;
    private final Consumer<String> log;
    private final boolean logEachFile;
    private final int maxConnections;
    private final Semaphore slots;
    private final ScheduledExecutorService timeouts;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong alreadyPresent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    WalSocketServer(Path socket, WalIntake intake, Consumer<String> log, boolean logEachFile, int maxConnections) {
        this.socket = socket;
        this.intake = intake;
        this.log = log;
        this.logEachFile = logEachFile;
        this.maxConnections = maxConnections;
        this.slots = new Semaphore(maxConnections);
        this.timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wal-socket-timeouts");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds the socket with {@code mode} and starts accepting. */
    void start(Set<PosixFilePermission> mode) {
        removeStaleSocket();
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), maxConnections * 4);
            Files.setPosixFilePermissions(socket, mode);
        } catch (IOException e) {
            closeQuietly();
            throw new LifeboatException(ErrorCode.USAGE, "cannot listen on WAL socket " + socket + ": " + e.getMessage(),
                    "create its directory, writable by the daemon's user (e.g. /run/lifeboat), or pass another --wal-socket", e);
        }
        acceptor = Thread.ofPlatform().name("wal-socket-accept").daemon(true).start(this::acceptLoop);
    }

    Counts counts() {
        return new Counts(stored.get(), alreadyPresent.get(), refused.get(), dropped.get());
    }

    private void removeStaleSocket() {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new LifeboatException(ErrorCode.REPOSITORY_LOCKED, "another process serves on WAL socket " + socket,
                    "stop the other 'lifeboat serve', or pass another --wal-socket");
        } catch (IOException e) {
            // Nobody listens: a socket file left by a killed daemon.
        }
        try {
            if (Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new LifeboatException(ErrorCode.REFUSED, "--wal-socket " + socket + " is a file or directory, not a socket",
                        "pass the path of a socket to create, e.g. /run/lifeboat/wal.sock");
            }
            Files.delete(socket);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot remove the stale WAL socket " + socket + ": " + e.getMessage(),
                    "remove it by hand, or pass another --wal-socket", e);
        }
    }

    private void acceptLoop() {
        while (!draining) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                slots.release();
                return;
            } catch (IOException e) {
                slots.release();
                log.accept("warning: WAL socket " + socket + ": accept failed: " + e.getMessage());
                continue;
            }
            Thread.ofVirtual().name("wal-socket-connection").start(() -> {
                try {
                    serve(ch);
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?> timeout = timeouts.schedule(() -> closeChannel(ch), EXCHANGE_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        try (ch; InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
                OutputStream out = Channels.newOutputStream(ch)) {
            exchange(in, out);
        } catch (IOException e) {
            // The client went away while we answered; it falls back to a direct push.
        } finally {
            timeout.cancel(false);
        }
    }

    private void exchange(InputStream in, OutputStream out) throws IOException {
        WalHttp.Head head;
        try {
            head = WalHttp.readHead(in);
        } catch (WalHttp.BadRequest e) {
            WalHttp.respond(out, 400, "error: " + e.getMessage() + "\n");
            return;
        } catch (EOFException e) {
            return;
        }
        if (head == null) {
            return;
        }
        if (head.target().equals("/v1/health")) {
            WalHttp.respond(out, draining ? 503 : 200, draining ? "shutting down\n" : "ok\n");
            return;
        }
        boolean byPath = head.target().startsWith(WAL_BY_PATH_PREFIX);
        if (!byPath && !head.target().startsWith(WAL_PREFIX)) {
            WalHttp.respond(out, 404, "error: no such resource " + head.target() + "\nhint: PUT /v1/wal/<WAL file name>\n");
            return;
        }
        if (!head.method().equals("PUT")) {
            WalHttp.respond(out, 405, "error: " + head.method() + " " + head.target() + " is not supported\nhint: PUT the file\n");
            return;
        }
        String name = head.target().substring((byPath ? WAL_BY_PATH_PREFIX : WAL_PREFIX).length());
        putWal(head, name, byPath, in, out);
    }

    private void putWal(WalHttp.Head head, String name, boolean byPath, InputStream in, OutputStream out) throws IOException {
        OptionalLong length;
        try {
            length = head.contentLength();
        } catch (WalHttp.BadRequest e) {
            WalHttp.respond(out, 400, "error: " + e.getMessage() + "\n");
            return;
        }
        if (head.chunked() || length.isEmpty()) {
            WalHttp.respond(out, 411, "error: the body of " + name + " needs a Content-Length\n");
            return;
        }
        if (byPath && length.getAsLong() > MAX_PATH_BODY) {
            WalHttp.respond(out, 413, "error: the path of " + name + " is longer than " + MAX_PATH_BODY + " bytes\n");
            return;
        }
        if (length.getAsLong() > MAX_BODY) {
            WalHttp.respond(out, 413, "error: " + name + " is larger than a WAL segment can be (1 GiB)\n");
            return;
        }
        if (draining) {
            WalHttp.respond(out, 503, "error: the daemon is shutting down\nhint: push directly (lifeboat wal push)\n");
            return;
        }
        boolean validName = WalArchive.isWalFileName(name);
        if (head.expectsContinue()) {
            if (!validName) {
                refuseName(name, out);
                return;
            }
            WalHttp.sendContinue(out);
        }
        byte[] body;
        try {
            // Read even a refused body: a client still writing it would see a broken pipe, not the answer.
            body = WalHttp.readBody(in, (int) length.getAsLong());
        } catch (EOFException e) {
            dropped.incrementAndGet();
            log.accept("warning: connection dropped after " + e.getMessage() + " of " + name + ": nothing stored");
            return;
        }
        if (!validName) {
            refuseName(name, out);
            return;
        }
        Optional<String> systemId = Optional.ofNullable(head.headers().get(SYSTEM_ID_HEADER));
        if (!byPath) {
            push(name, systemId, body, out);
            return;
        }
        Path file;
        try {
            file = Path.of(new String(body, StandardCharsets.UTF_8));
        } catch (InvalidPathException e) {
            // A name this JVM's file name encoding cannot hold (no UTF-8 locale): the bytes will do.
            WalHttp.respond(out, 403, "error: the daemon cannot open '" + new String(body, StandardCharsets.UTF_8) + "': "
                    + e.getMessage() + "\nhint: send the file's bytes (PUT " + WAL_PREFIX + name + ")\n");
            return;
        }
        if (!file.isAbsolute() || file.getFileName() == null || !file.getFileName().toString().equals(name)) {
            WalHttp.respond(out, 400, "error: " + file + " is not an absolute path to a file named " + name + "\n");
            return;
        }
        byte[] content;
        try {
            content = readWalFile(file);
        } catch (IOException e) {
            // Not readable here (another user, another mount namespace): the client sends the bytes.
            WalHttp.respond(out, 403, "error: the daemon cannot read " + file + ": " + e + "\nhint: send the file's bytes "
                    + "(PUT " + WAL_PREFIX + name + ")\n");
            return;
        }
        push(name, systemId, content, out);
    }

    /** A regular file (not a link, a device or a fifo) of at most {@link #MAX_BODY} bytes, read whole. */
    private static byte[] readWalFile(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile() || attributes.size() > MAX_BODY) {
            throw new IOException("not a regular file of at most " + MAX_BODY + " bytes");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size > MAX_BODY) {
                throw new IOException("larger than " + MAX_BODY + " bytes");
            }
            byte[] content = new byte[(int) size];
            int n = FileChannels.readAt(channel, content, 0, content.length, 0);
            if (n < content.length) {
                throw new IOException("shrank to " + n + " bytes while being read");
            }
            return content;
        }
    }

    private void refuseName(String name, OutputStream out) throws IOException {
        refused.incrementAndGet();
        log.accept("refused '" + name + "' (400): not a WAL file name");
        WalHttp.respond(out, 400, "error: '" + name + "' is not a WAL file name\nhint: archive_command passes %p\n");
    }

    private void push(String name, Optional<String> systemId, byte[] body, OutputStream out) throws IOException {
        long started = System.nanoTime();
        WalArchive.PushResult r;
        try {
            r = intake.push(name, systemId, body);
        } catch (LifeboatException e) {
            int status = status(e.code());
            if (status != 500) {
                refused.incrementAndGet();
            }
            log.accept("refused " + name + " (" + status + "): " + e.getMessage());
            WalHttp.respond(out, status, "error: " + e.getMessage() + "\n" + (e.hint() == null ? "" : "hint: " + e.hint() + "\n"));
            return;
        } catch (RuntimeException e) {
            log.accept("error: storing " + name + " failed: " + e);
            WalHttp.respond(out, 500, "error: storing " + name + " failed: " + e + "\n");
            return;
        }
        boolean isNew = r == WalArchive.PushResult.STORED;
        (isNew ? stored : alreadyPresent).incrementAndGet();
        if (logEachFile) {
            log.accept(String.format("%s %s (%d bytes, %d ms)", isNew ? "archived" : "already archived (identical)", name,
                    body.length, (System.nanoTime() - started) / 1_000_000));
        }
        WalHttp.respond(out, 200, (isNew ? "archived " : "already archived (identical) ") + name + "\n");
    }

    /** The HTTP status the client acts on: 409, 422 and 400 are final; the others make it push directly. */
    static int status(ErrorCode code) {
        return switch (code) {
            case ALREADY_EXISTS -> 409;
            case REFUSED -> 422;
            case USAGE -> 400;
            case INTERRUPTED, REPOSITORY_LOCKED, STORAGE_IO -> 503;
            default -> 500;
        };
    }

    /**
     * Stops accepting, removes the socket file and waits (up to {@link #DRAIN_TIMEOUT}) for the
     * connections being served: a push that started is finished and answered.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        closeQuietly();
        if (acceptor != null) {
            acceptor.interrupt();
        }
        try {
            if (!slots.tryAcquire(maxConnections, DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.accept("warning: WAL pushes still running after " + DRAIN_TIMEOUT.toSeconds() + " s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timeouts.shutdownNow();
    }

    private void closeQuietly() {
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.accept("warning: cannot remove WAL socket " + socket + ": " + e.getMessage());
        }
    }

    private static void closeChannel(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Closing is all we wanted.
        }
    }
}
