package io.lifeboat.core.storage;

import java.time.Instant;

/** What a listing or stat tells about one stored object. */
public record ObjectInfo(Handle handle, long size, Instant modified) {}
