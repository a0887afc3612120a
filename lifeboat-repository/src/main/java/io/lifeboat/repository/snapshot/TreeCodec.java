package io.lifeboat.repository.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.time.IsoInstants;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import java.util.ArrayList;
import java.util.List;

/** Encodes a {@link Tree} as the JSON stored in a tree blob. */
public final class TreeCodec {
    private TreeCodec() {}

    public static byte[] encode(Tree tree) {
        ObjectNode root = RepositoryJson.MAPPER.createObjectNode();
        ArrayNode nodes = root.putArray("nodes");
        for (Node n : tree.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("type", n.type().name().toLowerCase(java.util.Locale.ROOT));
            o.put("mode", n.mode());
            o.put("uid", n.uid());
            o.put("gid", n.gid());
            o.put("mtime", n.mtime() == null ? null : n.mtime().toString());
            o.put("size", n.size());
            o.put("inode", n.inode());
            o.put("device", n.device());
            if (n.linkTarget() != null) {
                o.put("target", n.linkTarget());
            }
            if (!n.content().isEmpty()) {
                ArrayNode c = o.putArray("content");
                n.content().forEach(b -> c.add(b.hex()));
            }
            if (n.subtree() != null) {
                o.put("subtree", n.subtree().hex());
            }
        }
        return RepositoryJson.write(root);
    }

    public static Tree decode(BlobId id, byte[] json) {
        String what = "tree " + id.hex();
        JsonNode root = RepositoryJson.read(json, what);
        try {
            List<Node> nodes = new ArrayList<>();
            for (JsonNode o : root.path("nodes")) {
                List<BlobId> content = new ArrayList<>();
                for (JsonNode c : o.path("content")) {
                    content.add(BlobId.parse(c.asText()));
                }
                String mtime = RepositoryJson.text(o, "mtime");
                String subtree = RepositoryJson.text(o, "subtree");
                nodes.add(new Node(o.path("name").asText(),
                        NodeType.valueOf(o.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
                        o.path("mode").asInt(), o.path("uid").asLong(), o.path("gid").asLong(),
                        mtime == null ? null : IsoInstants.parse(mtime), o.path("size").asLong(),
                        o.path("inode").asLong(), o.path("device").asLong(), RepositoryJson.text(o, "target"),
                        content, subtree == null ? null : BlobId.parse(subtree)));
            }
            return new Tree(nodes);
        } catch (RuntimeException e) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": malformed content (" + e.getMessage() + ")",
                    "run 'lifeboat check --read-data' to list every damaged object", e);
        }
    }
}
