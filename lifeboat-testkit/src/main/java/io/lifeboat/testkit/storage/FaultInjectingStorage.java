package io.lifeboat.testkit.storage;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a {@link Storage} and makes chosen calls go wrong, for fault tests.
 *
 * <pre>{@code
 * var faults = new FaultInjectingStorage(new InMemoryStorage(), 42);
 * faults.failNext(Operation.PUT, 2, Fault.retryableIo());     // the next two puts throw
 * faults.failCall(Operation.CREATE, 1, Fault.lostResponse()); // the first create writes, then throws
 * faults.failRandomly(Operation.GET, 0.1, Fault.corrupt());   // 10% of gets return a flipped byte
 * ...
 * assertThat(faults.calls(Operation.PUT)).isEqualTo(3);
 * }</pre>
 *
 * <p>Calls are counted per operation from construction, starting at 1, whether or not they
 * fail. For each call the rules are checked in the order they were added and the first match
 * applies; a call that matches no rule goes straight through. Random rules draw from one
 * {@link Random} seeded at construction, so a single-threaded test fails the same calls every
 * run. Thread safe. {@link #location()} and {@link #close()} are never faulted.
 */
public final class FaultInjectingStorage implements Storage {

    /** The faultable operations of {@link Storage}. */
    public enum Operation {
        PUT, CREATE, GET, GET_RANGE, STAT, LIST, DELETE;

        boolean writes() {
            return this == PUT || this == CREATE;
        }

        boolean returnsContent() {
            return this == GET || this == GET_RANGE;
        }
    }

    /** What goes wrong on a faulted call. */
    public sealed interface Fault {

        /**
         * Throws a {@link LifeboatException} with {@code code}: before the call reaches the wrapped
         * storage, or, when {@code afterCall}, after it completed (the write happened, the
         * response was lost).
         */
        record Failure(ErrorCode code, boolean retryable, boolean afterCall) implements Fault {
            public Failure {
                Objects.requireNonNull(code, "code");
            }
        }

        /**
         * Drops the last {@code dropBytes} bytes (all of them when the content is shorter) of the
         * content written by PUT/CREATE or returned by GET/GET_RANGE; the call then succeeds.
         */
        record Truncation(int dropBytes) implements Fault {
            public Truncation {
                if (dropBytes < 1) {
                    throw new IllegalArgumentException("drop at least one byte, got " + dropBytes);
                }
            }
        }

        /**
         * Flips every bit of one randomly chosen byte of the content written by PUT/CREATE or
         * returned by GET/GET_RANGE (empty content becomes one byte); the call then succeeds.
         */
        record Corruption() implements Fault {}

        /** A transient STORAGE_IO failure before the call: retrying may succeed. */
        static Fault retryableIo() {
            return new Failure(ErrorCode.STORAGE_IO, true, false);
        }

        /** A STORAGE_IO failure before the call that retrying will not fix. */
        static Fault permanentIo() {
            return new Failure(ErrorCode.STORAGE_IO, false, false);
        }

        /** A retryable STORAGE_IO failure after the call completed, like a reset connection. */
        static Fault lostResponse() {
            return new Failure(ErrorCode.STORAGE_IO, true, true);
        }

        /**
         * The process "dies" right after the call completed: a non-retryable INTERRUPTED failure,
         * so that the code under test stops exactly there, leaving what was written.
         */
        static Fault crashAfterCall() {
            return new Failure(ErrorCode.INTERRUPTED, false, true);
        }

        static Fault truncate(int dropBytes) {
            return new Truncation(dropBytes);
        }

        static Fault corrupt() {
            return new Corruption();
        }
    }

    private final Storage delegate;
    private final Random random;
    private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);
    private final List<Rule> rules = new ArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    public FaultInjectingStorage(Storage delegate, long seed) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.random = new Random(seed);
        for (Operation op : Operation.values()) {
            calls.put(op, new AtomicInteger());
        }
    }

    public FaultInjectingStorage(Storage delegate) {
        this(delegate, 0);
    }

    /** Faults call number {@code n} (1-based, counted from construction) of {@code op}. */
    public FaultInjectingStorage failCall(Operation op, int n, Fault fault) {
        if (n < 1) {
            throw new IllegalArgumentException("calls are numbered from 1, got " + n);
        }
        return add(op, fault, (number, rng) -> number == n);
    }

    /** Faults the next {@code times} calls of {@code op}. */
    public FaultInjectingStorage failNext(Operation op, int times, Fault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("fail at least one call, got " + times);
        }
        int from = calls(op) + 1;
        return add(op, fault, (number, rng) -> number >= from && number < from + times);
    }

    /** Faults each call of {@code op} with probability {@code probability}. */
    public FaultInjectingStorage failRandomly(Operation op, double probability, Fault fault) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
        }
        return add(op, fault, (number, rng) -> rng.nextDouble() < probability);
    }

    /** Removes every rule; counts are kept. */
    public synchronized void clearFaults() {
        rules.clear();
    }

    /** How many calls of {@code op} were made, faulted or not. */
    public int calls(Operation op) {
        return calls.get(op).get();
    }

    /** How many faults were injected so far, over all operations. */
    public int injectedFaults() {
        return injected.get();
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void put(Handle handle, byte[] content) {
        Call call = begin(Operation.PUT, handle);
        call.run(() -> {
            delegate.put(handle, call.shaped(content));
            return null;
        });
    }

    /** A PUT like {@link #put}, with the same faults; passed on as a content-addressed write. */
    @Override
    public void putContentAddressed(Handle handle, byte[] content) {
        Call call = begin(Operation.PUT, handle);
        call.run(() -> {
            delegate.putContentAddressed(handle, call.shaped(content));
            return null;
        });
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        Call call = begin(Operation.CREATE, handle);
        return call.run(() -> delegate.create(handle, call.shaped(content)));
    }

    @Override
    public byte[] get(Handle handle) {
        Call call = begin(Operation.GET, handle);
        return call.run(() -> call.shaped(delegate.get(handle)));
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        Call call = begin(Operation.GET_RANGE, handle);
        return call.run(() -> call.shaped(delegate.getRange(handle, offset, length)));
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        return begin(Operation.STAT, handle).run(() -> delegate.stat(handle));
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        return begin(Operation.LIST, kind.folder()).run(() -> delegate.list(kind));
    }

    @Override
    public void delete(Handle handle) {
        begin(Operation.DELETE, handle).run(() -> {
            delegate.delete(handle);
            return null;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    private synchronized FaultInjectingStorage add(Operation op, Fault fault, Trigger trigger) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(fault, "fault");
        if (!(fault instanceof Fault.Failure) && !op.writes() && !op.returnsContent()) {
            throw new IllegalArgumentException(fault + " needs content; " + op + " has none");
        }
        rules.add(new Rule(op, trigger, fault));
        return this;
    }

    /** Counts the call and picks its fault; throws when the fault strikes before the call. */
    private Call begin(Operation op, Object target) {
        int number = calls.get(op).incrementAndGet();
        Call call = new Call(op, number, target, pick(op, number));
        if (call.fault != null) {
            injected.incrementAndGet();
            if (call.fault instanceof Fault.Failure failure && !failure.afterCall()) {
                throw call.failure(failure);
            }
        }
        return call;
    }

    private synchronized Fault pick(Operation op, int number) {
        for (Rule rule : rules) {
            if (rule.op == op && rule.trigger.matches(number, random)) {
                return rule.fault;
            }
        }
        return null;
    }

    private synchronized int randomPosition(int length) {
        return random.nextInt(length);
    }

    /** One counted call of an operation and the fault chosen for it ({@code null}: none). */
    private final class Call {
        final Operation op;
        final int number;
        final Object target;
        final Fault fault;

        Call(Operation op, int number, Object target, Fault fault) {
            this.op = op;
            this.number = number;
            this.target = target;
            this.fault = fault;
        }

        <T> T run(Supplier<T> work) {
            T result = work.get();
            if (fault instanceof Fault.Failure failure && failure.afterCall()) {
                throw failure(failure);
            }
            return result;
        }

        /** The content as the fault leaves it: truncated, corrupted, or unchanged. */
        byte[] shaped(byte[] content) {
            return switch (fault) {
                case Fault.Truncation t -> Arrays.copyOf(content, Math.max(0, content.length - t.dropBytes()));
                case Fault.Corruption c -> corrupted(content);
                case Fault.Failure f -> content;
                case null -> content;
            };
        }

        private byte[] corrupted(byte[] content) {
            if (content.length == 0) {
                return new byte[] {0x5a};
            }
            byte[] copy = content.clone();
            int position = randomPosition(copy.length);
            copy[position] = (byte) ~copy[position];
            return copy;
        }

        LifeboatException failure(Fault.Failure failure) {
            String when = failure.afterCall() ? " after the call completed" : "";
            return new LifeboatException(failure.code(),
                    "injected " + failure.code() + " failure on " + op + " call #" + number + " of " + target
                            + " in " + delegate.location() + when,
                    "this failure was injected by FaultInjectingStorage in a test", null, failure.retryable());
        }
    }

    @FunctionalInterface
    private interface Trigger {
        boolean matches(int callNumber, Random random);
    }

    private record Rule(Operation op, Trigger trigger, Fault fault) {}
}
