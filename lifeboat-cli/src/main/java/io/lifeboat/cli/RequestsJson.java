package io.lifeboat.cli;

import io.lifeboat.core.storage.RequestCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code storage_requests} object of backup, check and copy results (docs/json.md). */
final class RequestsJson {
    private RequestsJson() {}

    /** {@code null} (JSON null) for storages that do not count requests. */
    static Map<String, Object> of(Optional<RequestCounts> counts) {
        if (counts.isEmpty()) {
            return null;
        }
        RequestCounts c = counts.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("put", c.put());
        m.put("get", c.get());
        m.put("list", c.list());
        m.put("delete", c.delete());
        m.put("head", c.head());
        m.put("total", c.total());
        return m;
    }

    /** One line for people, e.g. {@code 12 PUT, 3 GET, 5 LIST, 1 DELETE, 4 HEAD}; empty without counts. */
    static Optional<String> line(Optional<RequestCounts> counts) {
        return counts.map(c -> c.put() + " PUT, " + c.get() + " GET, " + c.list() + " LIST, " + c.delete()
                + " DELETE, " + c.head() + " HEAD");
    }
}
