package io.lifeboat.source.qdrant;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Qdrant node's REST API, with timeouts sized for large snapshots.
 *
 * @param url base URL, e.g. {@code http://qdrant:6333} (no user info, no query)
 * @param apiKey the key sent as header {@code api-key}, or null
 * @param connectTimeout for establishing a connection
 * @param requestTimeout for ordinary requests (info, count, scroll, delete), until the answer's headers
 * @param snapshotTimeout for creating a snapshot ({@code wait=true}) and for recovering an upload:
 *     the server answers only when done, which takes minutes for large collections
 * @param stallTimeout a download or upload fails when no byte moved for this long; there is no
 *     overall deadline, since a large snapshot legitimately takes hours over a slow link
 * @param maxAttempts attempts per request for 5xx answers and broken connections (4xx never retried)
 * @param backoff first wait between attempts, doubled each time (capped at 30 s)
 */
public record QdrantEndpoint(URI url, QdrantApiKey apiKey, Duration connectTimeout, Duration requestTimeout,
        Duration snapshotTimeout, Duration stallTimeout, int maxAttempts, Duration backoff) {

    public QdrantEndpoint {
        Objects.requireNonNull(url, "url");
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new LifeboatException(ErrorCode.USAGE, "Qdrant URL " + url + ": expected http(s)://HOST[:PORT]",
                    "e.g. --url http://localhost:6333");
        }
        if (url.getUserInfo() != null || url.getQuery() != null) {
            throw new LifeboatException(ErrorCode.USAGE, "Qdrant URL must not carry user info or a query",
                    "pass the API key with --api-key-file FILE or $QDRANT_API_KEY");
        }
        String s = url.toString();
        url = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Connect 10 s, requests 2 min, snapshot creation and recovery 6 h, stalls 2 min, 6 attempts from 0.5 s. */
    public static QdrantEndpoint of(URI url, QdrantApiKey apiKey) {
        return new QdrantEndpoint(url, apiKey, Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofHours(6),
                Duration.ofMinutes(2), 6, Duration.ofMillis(500));
    }

    public QdrantEndpoint withRetries(int attempts, Duration firstBackoff) {
        return new QdrantEndpoint(url, apiKey, connectTimeout, requestTimeout, snapshotTimeout, stallTimeout, attempts,
                firstBackoff);
    }

    public QdrantEndpoint withStallTimeout(Duration stall) {
        return new QdrantEndpoint(url, apiKey, connectTimeout, requestTimeout, snapshotTimeout, stall, maxAttempts, backoff);
    }

    /** The URL as shown to people: it never holds a secret. */
    @Override
    public String toString() {
        return url.toString();
    }
}
