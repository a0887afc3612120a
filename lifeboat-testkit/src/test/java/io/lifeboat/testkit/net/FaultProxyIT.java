package io.lifeboat.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of an echo server on 127.0.0.1. */
class FaultProxyIT {
    private ServerSocket echo;
    private Thread echoThread;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy cut it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.start(echo.getLocalPort(), 3);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        echo.close();
        echoThread.join(Duration.ofSeconds(5));
    }

    private byte[] roundTrip(byte[] data) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    // seen by the reader
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            return back;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void corruptOnceFlipsOneBitOfOneConnectionAtTheOffset() throws IOException {
        byte[] data = data(300_000);
        proxy.corruptOnce(123_456);

        byte[] first = roundTrip(data);
        byte[] second = roundTrip(data);

        assertThat(first).hasSameSizeAs(data);
        for (int i = 0; i < data.length; i++) {
            if (i != 123_456) {
                assertThat(first[i]).as("byte %d", i).isEqualTo(data[i]);
            }
        }
        assertThat(first[123_456] ^ data[123_456]).as("one bit flipped").isEqualTo(0x04);
        assertThat(second).as("once only").isEqualTo(data);
        assertThat(proxy.corrupted()).isEqualTo(1);
    }

    @Test
    void forwardsEveryByteWithoutFaults() throws IOException {
        byte[] data = data(3 * 1024 * 1024 + 7);
        assertThat(roundTrip(data)).isEqualTo(data);
        assertThat(proxy.bytesForwarded()).isEqualTo(2L * data.length);
        assertThat(proxy.dropped()).isZero();
    }

    @Test
    void dropCutsTheConnectionWithinTheByteBound() {
        proxy.setFaults(FaultProxy.Faults.NONE.withDrops(1.0, 100_000));
        byte[] data = data(1024 * 1024);

        assertThatThrownBy(() -> {
            byte[] back = roundTrip(data);
            // A cut can also look like an early end of stream: then fewer bytes came back.
            if (back.length < data.length) {
                throw new IOException("short read: " + back.length);
            }
        }).isInstanceOf(IOException.class);
        assertThat(proxy.dropped()).isEqualTo(1);
        assertThat(proxy.bytesForwarded()).isLessThanOrEqualTo(100_000);
    }

    @Test
    void refusedConnectionsAreResetBeforeAnyByte() throws IOException {
        proxy.setFaults(FaultProxy.Faults.NONE.withRefusals(1.0));
        byte[] data = data(1000);
        byte[] back;
        try {
            back = roundTrip(data);
        } catch (IOException e) {
            back = new byte[0];
        }
        assertThat(back).isEmpty();
        assertThat(proxy.refused()).isEqualTo(1);

        proxy.setFaults(FaultProxy.Faults.NONE);
        assertThat(roundTrip(data)).as("later connections go through again").isEqualTo(data);
    }

    @Test
    void delayHoldsTheResponseBack() throws IOException {
        proxy.setFaults(FaultProxy.Faults.NONE.withDelays(1.0, Duration.ofMillis(700)));
        byte[] data = data(10);
        long start = System.nanoTime();
        assertThat(roundTrip(data)).isEqualTo(data);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(proxy.delayed()).isPositive();
    }
}
