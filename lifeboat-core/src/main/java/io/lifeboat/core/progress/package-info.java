/**
 * Progress events. Core code emits {@link io.lifeboat.core.progress.Progress} samples and never
 * prints; the CLI draws them on a terminal, the daemon will stream them to the dashboard.
 */
package io.lifeboat.core.progress;
