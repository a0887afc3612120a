package io.lifeboat.cli;

import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.physical.WalReceiverStatus;
import io.lifeboat.source.postgres.physical.WalSink;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link WalSink} over the repository's {@link WalArchive}; the receiver's status as JSON. */
final class RepositoryWalSink implements WalSink {
    private final WalArchive wal;

    RepositoryWalSink(WalArchive wal) {
        this.wal = wal;
    }

    @Override
    public Set<String> systemIds() {
        return wal.systemIds();
    }

    @Override
    public boolean store(String systemId, String name, byte[] content) {
        // The receiver checked the system when it started (systemIds()).
        return wal.pushOfCheckedSystem(systemId, name, content) == WalArchive.PushResult.STORED;
    }

    @Override
    public boolean contains(String systemId, String name) {
        return wal.contains(systemId, name);
    }

    @Override
    public List<String> segments(String systemId) {
        return wal.list().stream().filter(f -> f.systemId().equals(systemId) && f.isSegment())
                .map(WalArchive.WalFile::name).toList();
    }

    @Override
    public void storeStreaming(String systemId, String segment, byte[] content) {
        wal.pushStreaming(systemId, segment, content);
    }

    @Override
    public void removeStreaming(String systemId, String segment) {
        wal.removeStreaming(systemId, segment);
    }

    @Override
    public List<String> streamingSegments(String systemId) {
        return wal.list().stream().filter(f -> f.systemId().equals(systemId) && f.name().endsWith(WalArchive.STREAMING))
                .map(f -> f.name().substring(0, 24)).toList();
    }

    @Override
    public void recordStatus(String systemId, WalReceiverStatus s) {
        try {
            wal.putReceiverStatus(systemId, Output.JSON.writeValueAsBytes(json(s)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the receiver's status", e);
        }
    }

    static Map<String, Object> json(WalReceiverStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state());
        m.put("slot", s.slot());
        m.put("server", s.server());
        m.put("timeline", s.timeline());
        m.put("received_lsn", str(s.received()));
        m.put("stored_lsn", str(s.stored()));
        m.put("flushed_lsn", str(s.flushed()));
        m.put("server_flush_lsn", str(s.serverFlush()));
        m.put("lag_bytes", s.lagBytes());
        m.put("segment", s.segment());
        m.put("updated", s.updated().toString());
        return m;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
