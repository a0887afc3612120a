/**
 * Network faults for tests: {@link io.lifeboat.testkit.net.FaultProxy}, a TCP proxy on 127.0.0.1
 * that drops connections mid-transfer, delays responses and refuses connections, with seeded
 * randomness.
 */
package io.lifeboat.testkit.net;
