package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.NetworkNamespace;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extension in a running daemon (in a network namespace, a veth pair, a listener on the far end): a route it
 * originates from a timer — outside any engine event — is on the wire at once, not at the engine's next timer; and
 * a call from another thread is refused.
 */
class DaemonExtensionTest {

    private static final int SAMPLES = 12;
    /** Calls made closer than this to the engine's next timer cannot tell a turn on call from that timer. */
    private static final long DISCRIMINATING = Time.millis(200);

    /** One origination: when it was called, when the engine would have woken without it, when it was heard. */
    record Sample(Prefix prefix, long calledAt, long engineWakeup) {}

    @Test
    void anOriginationFromATimerIsOnTheWireBeforeTheEnginesNextTimerAndOtherThreadsAreRefused(@TempDir Path dir)
            throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
            ns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
            ns.ip("link", "set", "veth0", "up");
            ns.ip("link", "set", "veth1", "up");
            int veth1 = Integer.parseInt(ns.exec("cat", "/sys/class/net/veth1/ifindex").strip());

            Map<Prefix, Long> heard = new ConcurrentHashMap<>();
            ExecutorService listenerLoop = Executors.newSingleThreadExecutor();
            LinuxNetwork net = ns.inside(() -> new LinuxNetwork(listenerLoop, new IoCounters()));
            UdpSocket listener = ns.inside(() -> net.udp(
                    new UdpSocket.Options(IpAddress.V6_UNSPECIFIED, 6696, "veth1", 1, false), d -> {
                        long at = System.nanoTime();
                        ReadResult r = PacketReader.read(d.data());
                        if (!r.dropped()) {
                            for (Tlv t : r.packet().body()) {
                                if (t instanceof Tlv.Update u && u.metric() != 0xFFFF) {
                                    heard.putIfAbsent(u.prefix(), at);
                                }
                            }
                        }
                    }));
            listener.join(IpAddress.BABEL_GROUP, veth1);

            AtomicReference<Daemon> daemon = new AtomicReference<>();
            List<Sample> samples = new CopyOnWriteArrayList<>();
            AtomicReference<ExtensionContext> context = new AtomicReference<>();
            Extension probe = new Extension() {
                int next;

                @Override
                public void start(ExtensionContext c) {
                    context.set(c);
                    c.every(Time.millis(1_000), Time.millis(530), () -> {
                        if (next == SAMPLES) {
                            return;
                        }
                        Prefix p = Prefix.parse("2001:db8:" + Integer.toHexString(0x100 + next++) + "::/48");
                        long wakeup = daemon.get().engine().nextWakeup();
                        long called = System.nanoTime();
                        c.babel().originate(p, 0);
                        samples.add(new Sample(p, called, wakeup));
                    });
                }

                @Override
                public void stop() {}
            };
            daemon.set(ns.inside(() -> Daemon.start(
                    TestConfigs.of("-S", dir.resolve("state").toString(), "veth0"),
                    DaemonLog.stderr(0), fib -> PlacementChoice.plain(), Map.of("probe", probe))));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while ((samples.size() < SAMPLES || heard.size() < SAMPLES) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThatThrownBy(() -> context.get().babel().originate(Prefix.parse("2001:db8:ffff::/48"), 0))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("probe")
                        .hasMessageContaining(Thread.currentThread().getName());
            } finally {
                daemon.get().stop();
                listener.close();
                net.close();
                listenerLoop.shutdownNow();
            }

            assertThat(samples).hasSize(SAMPLES);
            List<String> report = new ArrayList<>();
            int discriminating = 0;
            for (Sample s : samples) {
                Long at = heard.get(s.prefix());
                assertThat(at).as("the update for %s was heard", s.prefix()).isNotNull();
                report.add(String.format("%s: %.1f ms (engine timer was %.0f ms away)", s.prefix(),
                        (at - s.calledAt()) / 1e6, (s.engineWakeup() - s.calledAt()) / 1e6));
                if (s.engineWakeup() - s.calledAt() >= DISCRIMINATING) {
                    discriminating++;
                    assertThat(at).as("%s heard before the engine's own next timer", s.prefix())
                            .isLessThan(s.engineWakeup());
                }
            }
            System.out.println("turn-on-call latency, daemon to wire:\n  " + String.join("\n  ", report));
            assertThat(discriminating).as("calls far enough from the engine's own timers").isGreaterThanOrEqualTo(3);
        }
    }
}
