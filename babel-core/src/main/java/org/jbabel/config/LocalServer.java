package org.jbabel.config;

/**
 * A local endpoint of the control server: the control socket ({@code -g}/{@code -G}, {@code local-port[-readwrite]},
 * {@code local-path[-readwrite]}), a TCP port on [::1] ({@code path} null) or a UNIX socket path ({@code port} 0),
 * read-only or read-write; or the status page ({@code local-http-port}, jbabel's), HTTP on a TCP port on [::1],
 * always read-only.
 */
public record LocalServer(int port, String path, boolean readWrite, boolean http) {

    public LocalServer {
        if (http && (path != null || readWrite)) {
            throw new IllegalArgumentException("the status page is a read-only TCP port");
        }
    }

    public static LocalServer tcp(int port, boolean readWrite) {
        return new LocalServer(port, null, readWrite, false);
    }

    public static LocalServer unix(String path, boolean readWrite) {
        return new LocalServer(0, path, readWrite, false);
    }

    /** The status page: HTTP on [::1]:{@code port} (docs/CONTROL.md, "The status page"). */
    public static LocalServer http(int port) {
        return new LocalServer(port, null, false, true);
    }

    public boolean isUnix() {
        return path != null;
    }
}
