package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The nodes one backup reaches. In cluster mode a collection snapshot holds only the local
 * shards of the node that made it, so a backup must reach every peer that {@code GET /cluster}
 * lists: {@link #check} refuses otherwise, naming the missing peer ids.
 *
 * @param endpoints as given, in order
 * @param peerIds each endpoint's peer id in cluster mode (null entries when standalone)
 */
public record QdrantNodes(List<QdrantEndpoint> endpoints, List<Long> peerIds, boolean clustered) {

    public QdrantNodes {
        endpoints = List.copyOf(endpoints);
        peerIds = java.util.Collections.unmodifiableList(new ArrayList<>(peerIds));
    }

    /** Asks every endpoint for its cluster status and checks that together they cover the cluster. */
    public static QdrantNodes check(List<QdrantEndpoint> endpoints) {
        TreeSet<Long> peers = new TreeSet<>();
        List<Long> ids = new ArrayList<>();
        int clusteredNodes = 0;
        for (QdrantEndpoint e : endpoints) {
            try (QdrantClient client = new QdrantClient(e)) {
                JsonNode cluster = client.cluster();
                if ("enabled".equals(cluster.path("status").asText())) {
                    clusteredNodes++;
                    ids.add(cluster.path("peer_id").asLong());
                    cluster.path("peers").fieldNames().forEachRemaining(p -> peers.add(Long.parseLong(p)));
                } else {
                    ids.add(null);
                }
            }
        }
        if (clusteredNodes == 0) {
            return new QdrantNodes(endpoints, ids, false);
        }
        TreeSet<Long> given = new TreeSet<>();
        ids.stream().filter(java.util.Objects::nonNull).forEach(given::add);
        if (clusteredNodes != endpoints.size() || given.size() != endpoints.size()) {
            throw new LifeboatException(ErrorCode.USAGE, "the --url values mix cluster nodes with standalone servers or "
                    + "reach one node twice", "pass --url once for every node of one cluster");
        }
        if (!given.containsAll(peers) || !peers.containsAll(given)) {
            TreeSet<Long> missing = new TreeSet<>(peers);
            missing.removeAll(given);
            throw new LifeboatException(ErrorCode.REFUSED, "Qdrant runs as a cluster of " + peers.size() + " peers "
                    + peers + " and a collection snapshot holds only one node's shards; no --url reaches peer(s) " + missing,
                    "pass --url once for every node of the cluster (its REST port, 6333 by default)");
        }
        return new QdrantNodes(endpoints, ids, true);
    }
}
