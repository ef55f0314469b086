package org.jbabel.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitor events between two snapshots. Entries are matched by {@link Entry#key()}: a key only in the newer
 * snapshot is {@code add}, a key in both whose entry differs is {@code change}, a key only in the older one is
 * {@code flush} (printed with its last known fields). Adds and changes come first, in dump order (interfaces,
 * neighbours, xroutes, routes, extension objects); flushes follow in reverse order (extension objects first, routes
 * before the neighbours they went through, neighbours before their interfaces). Unlike babeld, an entry whose fields
 * did not change gives no line.
 */
public final class StateDiff {

    private StateDiff() {}

    /** The events that turn {@code before} into {@code after}. */
    public static List<ChangeEvent> between(StateSnapshot before, StateSnapshot after) {
        List<Entry> old = before.entries();
        List<Entry> now = after.entries();
        Map<Object, Entry> oldByKey = new HashMap<>(old.size() * 2);
        for (Entry e : old) {
            oldByKey.put(key(e), e);
        }
        List<ChangeEvent> events = new ArrayList<>();
        Set<Object> seen = new HashSet<>(now.size() * 2);
        for (Entry e : now) {
            Object k = key(e);
            seen.add(k);
            Entry was = oldByKey.get(k);
            if (was == null) {
                events.add(new ChangeEvent(ChangeEvent.Kind.ADD, e));
            } else if (!was.equals(e)) {
                events.add(new ChangeEvent(ChangeEvent.Kind.CHANGE, e));
            }
        }
        for (int i = old.size() - 1; i >= 0; i--) {
            Entry e = old.get(i);
            if (!seen.contains(key(e))) {
                events.add(new ChangeEvent(ChangeEvent.Kind.FLUSH, e));
            }
        }
        return events;
    }

    /** The key qualified by the entry's kind, so that keys of different tables never collide. */
    private static Object key(Entry e) {
        return List.of(e.getClass(), e.key());
    }
}
