package io.lifeboat.qdrant.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * One collection held in memory: its config and its points in id order. Thread safe: many
 * readers or one writer. Points are immutable, so a reader's copy of the list stays valid while
 * writers go on (that is how a snapshot sees one consistent state).
 */
public final class QdrantCollection {
    private final String name;
    private final CollectionConfig config;
    private final TreeMap<PointId, Point> points = new TreeMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong operations = new AtomicLong();

    QdrantCollection(String name, CollectionConfig config) {
        this.name = name;
        this.config = config;
    }

    public String name() {
        return name;
    }

    public CollectionConfig config() {
        return config;
    }

    /** Inserts or replaces points; returns the operation id. */
    public long upsert(List<Point> batch) {
        lock.writeLock().lock();
        try {
            for (Point p : batch) {
                points.put(p.id(), p);
            }
            return operations.getAndIncrement();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Deletes points by id; returns the operation id. */
    long delete(List<PointId> ids) {
        lock.writeLock().lock();
        try {
            ids.forEach(points::remove);
            return operations.getAndIncrement();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public Optional<Point> get(PointId id) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(points.get(id));
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return points.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every point in id order, as of one instant. */
    public List<Point> points() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(points.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Up to {@code limit + 1} matching points from {@code offset} on (the extra one tells the next page). */
    List<Point> page(PointId offset, int limit, Predicate<Point> filter) {
        lock.readLock().lock();
        try {
            Map<PointId, Point> from = offset == null ? points : points.tailMap(offset, true);
            List<Point> out = new ArrayList<>();
            for (Point p : from.values()) {
                if (filter.test(p)) {
                    out.add(p);
                    if (out.size() > limit) {
                        break;
                    }
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    long count(Predicate<Point> filter) {
        lock.readLock().lock();
        try {
            return points.values().stream().filter(filter).count();
        } finally {
            lock.readLock().unlock();
        }
    }
}
