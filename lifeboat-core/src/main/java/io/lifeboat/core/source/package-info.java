/**
 * Sources and restore targets. A {@link io.lifeboat.core.source.Source} writes what it protects
 * into a {@link io.lifeboat.core.source.BackupSink} (content streams and trees) and returns the
 * root tree; the engine commits the snapshot. A {@link io.lifeboat.core.source.RestoreTarget}
 * walks a tree through a {@link io.lifeboat.core.source.RestoreReader}, which never hands out a
 * byte it has not authenticated. Each source picks its {@link io.lifeboat.core.source.ChunkingProfile}.
 */
package io.lifeboat.core.source;
