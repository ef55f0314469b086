package org.jbabel.kernel;

import java.util.Map;

/** The Linux errno values a forwarding-table change can report, by their C names. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = 105;
    public static final int EAFNOSUPPORT = 97;
    public static final int EOPNOTSUPP = 95;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ETIMEDOUT = 110;
    public static final int EHOSTUNREACH = 113;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(ENXIO, "ENXIO"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSPC, "ENOSPC"), Map.entry(ERANGE, "ERANGE"), Map.entry(ENOSYS, "ENOSYS"), Map.entry(EMSGSIZE, "EMSGSIZE"),
            Map.entry(ENOBUFS, "ENOBUFS"), Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(ENETDOWN, "ENETDOWN"),
            Map.entry(ENETUNREACH, "ENETUNREACH"), Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(EHOSTUNREACH, "EHOSTUNREACH"));

    private Errno() {}

    /** The C name of an errno value ({@code EEXIST}), or {@code errno N} for one not listed here. */
    public static String name(int errno) {
        return errno == 0 ? "OK" : NAMES.getOrDefault(errno, "errno " + errno);
    }
}
