package io.lifeboat.qdrant.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Fault injection for tests: rules that make the next matching requests fail in a chosen way,
 * and a download rate limit. Rules are consumed in the order they were added; each applies to
 * a number of requests and then goes away. Thread safe.
 */
public final class Faults {
    /** How a request fails. */
    public sealed interface Fault {
        /** Answer with this status and the JSON error envelope, doing nothing else. */
        record Status(int status, String message) implements Fault {}

        /** Close the connection without any answer (the client sees a reset or an early end of stream). */
        record Reset() implements Fault {}

        /** For a snapshot download: send the headers and this many bytes of the body, then close the connection. */
        record CutDownload(long afterBytes) implements Fault {}

        /** Wait this long, then handle the request normally. */
        record Delay(Duration delay) implements Fault {}
    }

    private record Rule(String method, Pattern path, Fault fault, int[] remaining) {}

    private final List<Rule> rules = new ArrayList<>();
    private volatile long downloadBytesPerSecond;

    /**
     * Makes the next {@code times} requests with this method (null: any) whose path matches
     * {@code pathRegex} (e.g. {@code /collections/[^/]+/snapshots}) fail with {@code fault}.
     */
    public synchronized Faults add(String method, String pathRegex, int times, Fault fault) {
        rules.add(new Rule(method, Pattern.compile(pathRegex), fault, new int[] {times}));
        return this;
    }

    /** The next {@code times} requests of any kind answer {@code status} (e.g. 503). */
    public Faults failNext(int times, int status) {
        return add(null, ".*", times, new Fault.Status(status, status >= 500 ? "Service internal error: injected fault"
                : "Bad request: injected fault"));
    }

    /** The next {@code times} requests of any kind get their connection closed without an answer. */
    public Faults resetNext(int times) {
        return add(null, ".*", times, new Fault.Reset());
    }

    /** The next {@code times} snapshot creations answer 507, as a server whose disk is full. */
    public Faults insufficientStorageOnSnapshot(int times) {
        return add("POST", "/collections/[^/]+/snapshots", times, new Fault.Status(507,
                "No space left on device: not enough free disk space to create a snapshot"));
    }

    /** The next {@code times} snapshot downloads stop after {@code afterBytes} bytes. */
    public Faults cutDownloads(int times, long afterBytes) {
        return add("GET", "/collections/[^/]+/snapshots/[^/]+", times, new Fault.CutDownload(afterBytes));
    }

    /** Limits snapshot downloads to this rate; 0 removes the limit. */
    public Faults slowDownloads(long bytesPerSecond) {
        this.downloadBytesPerSecond = bytesPerSecond;
        return this;
    }

    long downloadBytesPerSecond() {
        return downloadBytesPerSecond;
    }

    /** Removes every rule and the rate limit. */
    public synchronized void clear() {
        rules.clear();
        downloadBytesPerSecond = 0;
    }

    /** Takes the fault for this request, if a rule matches; the rule counts it. */
    synchronized Optional<Fault> take(String method, String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if ((r.method() == null || r.method().equals(method)) && r.path().matcher(path).matches()) {
                if (--r.remaining()[0] <= 0) {
                    it.remove();
                }
                return Optional.of(r.fault());
            }
        }
        return Optional.empty();
    }
}
