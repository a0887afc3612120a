/**
 * Failures: one unchecked root, {@link io.lifeboat.core.error.LifeboatException}, carrying an
 * {@link io.lifeboat.core.error.ErrorCode} that maps to an exit code, an HTTP status and a
 * metric label. Messages name the object; hints say how to fix it; neither ever holds a secret.
 */
package io.lifeboat.core.error;
