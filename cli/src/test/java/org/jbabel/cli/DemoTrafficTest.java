package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo's traffic: the echo stream's losses and hand-over times, and the TCP transfer's byte check. */
class DemoTrafficTest {

    private static final long MS = 1_000_000;

    @Test
    void aDatagramUnansweredWithinTheTimeoutIsLostAndOnlyThen() {
        DemoEcho.Stream s = new DemoEcho.Stream(null, null, 25 * MS, 2_000 * MS, System::nanoTime);
        s.noteSent(0);
        s.noteSent(25 * MS);
        s.answer(1, 40 * MS);
        assertThat(s.lost(1_999 * MS)).as("not yet").isZero();
        assertThat(s.lost(2_000 * MS)).isEqualTo(1);
        s.answer(1, 50 * MS);
        s.answer(7, 50 * MS);
        assertThat(s.answered()).as("a duplicate and a stranger change nothing").isEqualTo(1);
    }

    @Test
    void theHandOverEndsWithTheFirstAnswerToADatagramSentAfterTheMove() {
        DemoEcho.Stream s = new DemoEcho.Stream(null, null, 25 * MS, 2_000 * MS, System::nanoTime);
        for (int i = 0; i < 20; i++) {
            s.noteSent(i * 25 * MS);
        }
        s.answer(3, 80 * MS); // sent before the move at 100 ms: does not end it
        assertThat(s.handover(100 * MS)).isEqualTo(-1);
        s.answer(9, 240 * MS);
        s.answer(6, 260 * MS);
        assertThat(s.handover(100 * MS)).isEqualTo(140 * MS);
    }

    @Test
    void anEchoServerAnswersTheStream() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel server = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
                DemoEcho.Stream s = new DemoEcho.Stream(DatagramChannel.open(), server.getLocalAddress(), 5 * MS,
                        2_000 * MS, System::nanoTime)) {
            DemoEcho.server(server, "test-echo");
            s.start("test");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.answered() < 10 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(s.answered()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void aTransferIsByteExactAndAWrongByteIsFound() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(lo, 0))) {
            DemoTcp.Sink sink = new DemoTcp.Sink();
            sink.serve(server, "test-sink");
            DemoTcp.Source source = new DemoTcp.Source(SocketChannel.open(), 4 * 1024 * 1024);
            source.start(server.getLocalAddress(), 5_000, "test-source");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (source.sent() < 256 * 1024 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            DemoTcp.Result r = source.finish(10_000);
            assertThat(r.exact()).as("%s", r).isTrue();
            assertThat(r.received()).isEqualTo(r.sent()).isGreaterThanOrEqualTo(256 * 1024);

            try (SocketChannel wrong = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer b = ByteBuffer.allocate(1000);
                for (int i = 0; i < 1000; i++) {
                    b.put(DemoTcp.pattern(i == 700 ? 701 : i));
                }
                wrong.write(b.flip());
                wrong.shutdownOutput();
                ByteBuffer answer = ByteBuffer.allocate(16);
                while (answer.hasRemaining() && wrong.read(answer) >= 0) {
                    // until the sink's 16 bytes
                }
                answer.flip();
                assertThat(answer.getLong()).isEqualTo(1000);
                assertThat(answer.getLong()).as("the first wrong byte").isEqualTo(700);
            }
        }
    }
}
