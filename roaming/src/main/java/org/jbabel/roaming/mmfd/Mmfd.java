package org.jbabel.roaming.mmfd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;

/**
 * mmfd as an extension: runs an {@link MmfdEngine} over nothing but the {@link ExtensionContext}: one UDP socket on
 * {@code [::]:27275} that joins {@code ff02::6a8b} on each mmfd interface (IPV6_PKTINFO tells HELLO from DATA), the
 * TUN device (MTU 1280), a HELLO timer, a neighbour-expiry timer, the interface events of Babel, the control section
 * {@code mmfd-neighbour} and the commands {@code neighbours} and {@code interfaces}.
 */
public final class Mmfd implements Extension {

    private final MmfdSettings settings;
    private final MmfdEngine engine;
    /** The mmfd interfaces whose group we joined: name to ifindex. */
    private final Map<String, Integer> joined = new LinkedHashMap<>();

    private ExtensionContext context;
    private UdpSocket socket;
    private Network.PacketDevice tun;
    private BabelApi.Subscription interfaceEvents;
    private ExtensionContext.Timer helloTimer;
    private ExtensionContext.Timer expiryTimer;
    private MmfdEngine.Output out;

    public Mmfd(MmfdSettings settings, RandomGenerator random) {
        this.settings = settings;
        this.engine = new MmfdEngine(random);
    }

    @Override
    public void start(ExtensionContext context) throws Exception {
        this.context = context;
        ExtensionContext.Counters counters = context.counters();
        counters.limit("neighbour_refused", "new mmfd neighbours refused: the neighbour table is full (limit "
                + MmfdEngine.MAX_NEIGHBOURS + ")");
        tun = context.network().tun(settings.device(), MmfdEngine.MTU, packet -> engine.originate(packet, out));
        socket = context.network().udp(UdpSocket.Options.any(MmfdEngine.PORT), this::received);
        out = new MmfdEngine.Output() {
            @Override
            public void send(IpAddress destination, int ifindex, byte[] datagram) {
                if (!socket.send(destination, MmfdEngine.PORT, ifindex, datagram)) {
                    counters.increment("send_failed");
                }
            }

            @Override
            public void deliver(byte[] packet) {
                if (!tun.write(packet)) {
                    counters.increment("tun_write_failed");
                }
            }

            @Override
            public void count(String counter) {
                counters.increment(counter);
            }
        };
        List<String> known = new ArrayList<>();
        for (NetInterface i : context.interfaces()) {
            known.add(i.name());
            update(i);
        }
        for (String name : settings.interfaces()) {
            if (!known.contains(name)) {
                context.log().info("mmfd: interface " + name + " is not one of Babel's interfaces (yet); "
                        + "mmfd starts on it when Babel does");
            }
        }
        interfaceEvents = context.onInterfaceChange(this::update);
        helloTimer = context.every(MmfdEngine.HELLO_INTERVAL, MmfdEngine.HELLO_INTERVAL, () -> engine.hello(out));
        ControlRegistry control = context.control();
        control.section("mmfd-neighbour", this::neighbourItems);
        control.command("neighbours", "the mmfd neighbours: address and interface", this::neighboursCommand);
        control.command("interfaces", "the interfaces mmfd runs on", this::interfacesCommand);
        context.log().info("mmfd: device " + tun.name() + ", interfaces " + joined.keySet());
    }

    @Override
    public void stop() {
        if (helloTimer != null) {
            helloTimer.cancel();
        }
        if (expiryTimer != null) {
            expiryTimer.cancel();
            expiryTimer = null;
        }
        if (interfaceEvents != null) {
            interfaceEvents.close();
        }
        if (socket != null) {
            socket.close();
        }
        if (tun != null) {
            tun.close();
        }
    }

    /** The engine, for tests and the simulator's report. */
    public MmfdEngine engine() {
        return engine;
    }

    private void received(Network.Datagram d) {
        engine.receive(context.now(), d.source(), d.destination(), d.ifindex(), d.data(), out);
        armExpiry();
    }

    /** Keeps one timer at the earliest neighbour deadline; a refreshed neighbour just re-arms it when it fires. */
    private void armExpiry() {
        long next = engine.nextExpiry();
        if (expiryTimer == null && next != Long.MAX_VALUE) {
            expiryTimer = context.schedule(Math.max(0, next - context.now()), () -> {
                expiryTimer = null;
                engine.expire(context.now(), out);
                armExpiry();
            });
        }
    }

    /** Follows one Babel interface: join and HELLO when it comes up, leave and forget its neighbours when not. */
    private void update(NetInterface i) {
        if (!settings.runsOn(i.name())) {
            return;
        }
        Integer had = joined.get(i.name());
        if (i.up() && had != null && had == i.ifindex()) {
            return; // only its addresses changed
        }
        if (had != null) {
            socket.leave(MmfdEngine.GROUP, had);
            engine.removeInterface(had, out);
            joined.remove(i.name());
        }
        if (i.up()) {
            socket.join(MmfdEngine.GROUP, i.ifindex());
            joined.put(i.name(), i.ifindex());
            engine.addInterface(i.ifindex(), i.name());
            engine.hello(i.ifindex(), out);
        }
    }

    private List<ControlRegistry.Item> neighbourItems() {
        List<ControlRegistry.Item> items = new ArrayList<>();
        for (MmfdEngine.Neighbour n : engine.neighbours()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("address", n.address().toString());
            fields.put("if", n.ifname());
            items.add(new ControlRegistry.Item(Long.toHexString(n.id()), fields));
        }
        return items;
    }

    private ControlRegistry.Answer neighboursCommand(List<String> arguments) {
        noArguments("neighbours", arguments);
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> json = new ArrayList<>();
        for (MmfdEngine.Neighbour n : engine.neighbours()) {
            text.append("address ").append(n.address()).append(" interface ").append(n.ifname()).append('\n');
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("address", n.address().toString());
            o.put("interface", n.ifname());
            json.add(o);
        }
        return new ControlRegistry.Answer(text.toString(), Map.of("mmfd_neighbours", json));
    }

    private ControlRegistry.Answer interfacesCommand(List<String> arguments) {
        noArguments("interfaces", arguments);
        List<String> names = new ArrayList<>(engine.interfaces().values());
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            text.append(name).append('\n');
        }
        return new ControlRegistry.Answer(text.toString(), Map.of("mesh_interfaces", names));
    }

    private static void noArguments(String command, List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("mmfd " + command + " takes no arguments");
        }
    }
}
