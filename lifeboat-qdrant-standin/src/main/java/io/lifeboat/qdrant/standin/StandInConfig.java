package io.lifeboat.qdrant.standin;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link QdrantStandIn} behaves.
 *
 * @param apiKey the read-write key; null: no authentication at all
 * @param readOnlyApiKey a key that may only read; null: none
 * @param version the version {@code GET /} reports (snapshots restore on the same or next minor only)
 * @param peerId this node's peer id, part of snapshot names and of {@code GET /cluster}
 * @param clusterPeers null: cluster mode disabled; otherwise peer id → URI of every node, this one included
 */
public record StandInConfig(String apiKey, String readOnlyApiKey, String version, String commit, long peerId,
        Map<Long, String> clusterPeers, Clock clock) {

    public StandInConfig {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
        clusterPeers = clusterPeers == null ? null : Map.copyOf(clusterPeers);
    }

    /** No authentication, Qdrant 1.19.0, standalone, the system clock. */
    public static StandInConfig defaults() {
        return new StandInConfig(null, null, "1.19.0", "74f3e85b9473c62560006c043e13737ce6b48412", 7906894357956606L,
                null, Clock.systemUTC());
    }

    public StandInConfig withApiKeys(String readWrite, String readOnly) {
        return new StandInConfig(readWrite, readOnly, version, commit, peerId, clusterPeers, clock);
    }

    public StandInConfig withVersion(String newVersion) {
        return new StandInConfig(apiKey, readOnlyApiKey, newVersion, commit, peerId, clusterPeers, clock);
    }

    public StandInConfig withCluster(long thisPeer, Map<Long, String> peers) {
        return new StandInConfig(apiKey, readOnlyApiKey, version, commit, thisPeer, peers, clock);
    }

    public StandInConfig withClock(Clock newClock) {
        return new StandInConfig(apiKey, readOnlyApiKey, version, commit, peerId, clusterPeers, newClock);
    }
}
