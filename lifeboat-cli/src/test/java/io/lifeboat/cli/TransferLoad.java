package io.lifeboat.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers that keep moving money while a test backs up: each runs transfers, one transaction
 * each, on its own connection until {@link #close}. A deadlock between two writers rolls the
 * transfer back and goes on; any other failure ends that writer and is rethrown by {@link #close}.
 */
final class TransferLoad implements AutoCloseable {
    /** One transfer's statements on {@code c} (autocommit off); the load commits it. */
    interface Transfer {
        void run(Connection c, SplittableRandom random) throws SQLException;
    }

    /** Opens one connection per writer. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong transfers = new AtomicLong();
    private final List<Throwable> failures = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();

    private TransferLoad() {}

    /** Starts {@code writers} writers, seeded {@code seed}, {@code seed + 1}, … */
    static TransferLoad start(Connector connector, int writers, long seed, Transfer transfer) {
        TransferLoad load = new TransferLoad();
        for (int w = 0; w < writers; w++) {
            SplittableRandom random = new SplittableRandom(seed + w);
            load.writers.add(Thread.ofPlatform().name("transfers-" + w).start(() -> {
                try {
                    load.write(connector, random, transfer);
                } catch (Throwable t) {
                    synchronized (load.failures) {
                        load.failures.add(t);
                    }
                }
            }));
        }
        return load;
    }

    private void write(Connector connector, SplittableRandom random, Transfer transfer) throws SQLException {
        try (Connection c = connector.connect()) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                try {
                    transfer.run(c, random);
                    c.commit();
                    transfers.incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    if (!"40P01".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Transfers committed so far. */
    long transfers() {
        return transfers.get();
    }

    /** Waits until at least {@code count} transfers are committed. */
    TransferLoad awaitTransfers(long count) throws InterruptedException {
        while (transfers.get() < count) {
            synchronized (failures) {
                if (!failures.isEmpty()) {
                    throw new AssertionError("a writer failed", failures.getFirst());
                }
            }
            Thread.sleep(20);
        }
        return this;
    }

    /** Stops the writers, waits for them, and fails if one of them failed. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("a writer failed", failures.getFirst());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }
}
