package io.lifeboat.cli;

import io.lifeboat.repository.hold.Hold;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of a legal hold, documented in docs/json.md. Fields are only ever added. */
final class HoldJson {
    private HoldJson() {}

    static Map<String, Object> of(Hold h, boolean active, boolean snapshotPresent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", h.snapshot().hex());
        m.put("short_id", h.snapshot().shortHex());
        m.put("reason", h.reason());
        m.put("until", h.until() == null ? null : h.until().toString());
        m.put("time", h.time().toString());
        m.put("host", h.host());
        m.put("username", h.username());
        m.put("active", active);
        m.put("snapshot_present", snapshotPresent);
        return m;
    }
}
