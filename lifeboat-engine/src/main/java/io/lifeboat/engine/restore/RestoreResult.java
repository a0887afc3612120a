package io.lifeboat.engine.restore;

import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.repository.snapshot.Snapshot;

/** What a restore brought back, from which snapshot, and how long it took. */
public record RestoreResult(Snapshot snapshot, RestoreOutcome outcome, long durationMillis) {}
