/**
 * Generated test content: streams whose bytes follow from a seed, so a failure reproduces from it.
 */
package io.lifeboat.testkit.data;
