package io.lifeboat.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a server on 127.0.0.1 and misbehaves on request, for
 * fault tests of network clients (the S3 storage through {@code S3Server}):
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(s3.port(), 42)) {
 *     proxy.setFaults(FaultProxy.Faults.NONE.withDrops(0.2, 4 << 20).withDelays(0.1, Duration.ofMillis(300)));
 *     // point the client at proxy.port()
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>drop</b>: a new connection is, with the given probability, cut (reset, no FIN) after a
 *       uniformly random number of bytes between 1 and a bound, counted over both directions:
 *       mid-request or mid-response, wherever that falls.</li>
 *   <li><b>delay</b>: with the given probability, each response (the first bytes the server sends
 *       after the client sent some) is held back for the given time.</li>
 *   <li><b>refuse</b>: with the given probability, a new connection is reset at once, before any
 *       byte is forwarded.</li>
 *   <li><b>corrupt</b> ({@link #corruptOnce}): one bit of what a client sends is flipped, once, as a
 *       faulty NIC or middlebox would.</li>
 * </ul>
 * Faults apply to connections opened after {@link #setFaults} (a delay also to open ones). The
 * refuse and drop decisions draw from a {@link Random} seeded at start, in the order connections
 * are accepted, so the n-th connection always gets the same fate; delays draw from a second one
 * (their order depends on timing). Each connection uses two virtual threads. Thread safe.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    /** What goes wrong, and how often. */
    public record Faults(double dropRate, long dropWithinBytes, double delayRate, Duration delay, double refuseRate) {
        public static final Faults NONE = new Faults(0, 1, 0, Duration.ZERO, 0);

        public Faults {
            Objects.requireNonNull(delay, "delay");
            for (double rate : new double[] {dropRate, delayRate, refuseRate}) {
                if (rate < 0 || rate > 1) {
                    throw new IllegalArgumentException("rates are probabilities between 0 and 1, got " + rate);
                }
            }
            if (dropWithinBytes < 1) {
                throw new IllegalArgumentException("dropWithinBytes must be at least 1");
            }
        }

        public Faults withDrops(double rate, long withinBytes) {
            return new Faults(rate, withinBytes, delayRate, delay, refuseRate);
        }

        public Faults withDelays(double rate, Duration by) {
            return new Faults(dropRate, dropWithinBytes, rate, by, refuseRate);
        }

        public Faults withRefusals(double rate) {
            return new Faults(dropRate, dropWithinBytes, delayRate, delay, rate);
        }
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final Random random;
    private final Random delays;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean corruptArmed = new AtomicBoolean();
    private volatile long corruptOffset;
    private volatile int corruptGeneration;
    private final AtomicLong corrupted = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private FaultProxy(ServerSocket listener, int targetPort, long seed) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.random = new Random(seed);
        this.delays = new Random(seed + 1);
        this.acceptor = Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    /** A proxy on a free port of 127.0.0.1 forwarding to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy start(int targetPort, long seed) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            return new FaultProxy(listener, targetPort, seed);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the fault proxy's port", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void setFaults(Faults f) {
        faults.set(Objects.requireNonNull(f, "faults"));
    }

    public Faults faults() {
        return faults.get();
    }

    /** Connections accepted so far (refused ones included). */
    public long connections() {
        return connections.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long delayed() {
        return delayed.get();
    }

    public long refused() {
        return refused.get();
    }

    /**
     * Flips one bit of the byte a client sends {@code offset} bytes (counted from 0) after this call
     * on a connection, open or new: the first connection to get that far is hit, once.
     */
    public synchronized void corruptOnce(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        corruptOffset = offset;
        corruptGeneration++;
        corruptArmed.set(true);
    }

    /** Bytes changed by {@link #corruptOnce} so far. */
    public long corrupted() {
        return corrupted.get();
    }

    /** Bytes forwarded in both directions. */
    public long bytesForwarded() {
        return bytes.get();
    }

    /** Resets every open connection (as a crashed network would) without changing the faults. */
    public void resetOpenConnections() {
        for (Socket s : open) {
            reset(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Faults f = faults.get();
            boolean refuse;
            long cutAfter;
            synchronized (random) {
                refuse = random.nextDouble() < f.refuseRate();
                cutAfter = random.nextDouble() < f.dropRate() ? 1 + (long) (random.nextDouble() * f.dropWithinBytes()) : -1;
            }
            if (refuse) {
                refused.incrementAndGet();
                reset(client);
                continue;
            }
            Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client, cutAfter));
        }
    }

    private void serve(Socket client, long cutAfter) {
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        try {
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            Connection c = new Connection(client, server, cutAfter);
            Thread up = Thread.ofVirtual().start(() -> c.pump(client, server, false));
            c.pump(server, client, true);
            up.join();
        } catch (IOException e) {
            reset(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    /** The state of one proxied connection: its byte budget before a cut, and whether a response is due. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final AtomicLong budget;
        /** Bytes the client sent, and how many it had sent when corruption was last armed. */
        private long sent;
        private long sentAtArming;
        private int seenGeneration = corruptGeneration;
        private volatile boolean requestSeen;

        Connection(Socket client, Socket server, long cutAfter) {
            this.client = client;
            this.server = server;
            this.budget = new AtomicLong(cutAfter);
        }

        /** Flips the armed bit when it falls in {@code buffer[0, n)}, the client's next bytes. */
        private void maybeCorrupt(byte[] buffer, int n) {
            int generation = corruptGeneration;
            if (generation != seenGeneration) {
                seenGeneration = generation;
                sentAtArming = sent;
            }
            long at = sentAtArming + corruptOffset;
            if (at >= sent && at < sent + n && corruptArmed.compareAndSet(true, false)) {
                buffer[(int) (at - sent)] ^= 0x04;
                corrupted.incrementAndGet();
            }
            sent += n;
        }

        void pump(Socket from, Socket to, boolean response) {
            byte[] buffer = new byte[BUFFER];
            // Not closed here: closing a socket's stream closes the socket, and the other direction
            // may still be busy (a half-closed request whose response is on its way).
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) > 0;) {
                    if (response && requestSeen) {
                        requestSeen = false;
                        maybeDelay();
                    } else if (!response) {
                        requestSeen = true;
                    }
                    if (!response) {
                        maybeCorrupt(buffer, n);
                    }
                    int allowed = n;
                    long left = budget.get();
                    if (left >= 0) {
                        left = budget.addAndGet(-n);
                        if (left < 0) {
                            allowed = (int) Math.max(0, n + left);
                        }
                    }
                    out.write(buffer, 0, allowed);
                    out.flush();
                    bytes.addAndGet(allowed);
                    if (allowed < n) {
                        dropped.incrementAndGet();
                        reset(client);
                        reset(server);
                        return;
                    }
                }
                if (!to.isClosed()) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                reset(client);
                reset(server);
            }
        }

        private void maybeDelay() {
            Faults f = faults.get();
            boolean delay;
            synchronized (delays) {
                delay = f.delayRate() > 0 && delays.nextDouble() < f.delayRate();
            }
            if (delay && !f.delay().isZero()) {
                delayed.incrementAndGet();
                try {
                    Thread.sleep(f.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Closes with SO_LINGER 0: the peer sees a reset, not an orderly end of stream. */
    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing left to do
        }
        resetOpenConnections();
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + ", " + faults.get() + "]";
    }
}
