package org.jbabel.config;

/**
 * The local control socket ({@code -g}/{@code -G}, {@code local-port[-readwrite]}, {@code local-path[-readwrite]}):
 * a TCP port on [::1] ({@code path} null) or a UNIX socket path ({@code port} 0); read-only or read-write.
 */
public record LocalServer(int port, String path, boolean readWrite) {

    public static LocalServer tcp(int port, boolean readWrite) {
        return new LocalServer(port, null, readWrite);
    }

    public static LocalServer unix(String path, boolean readWrite) {
        return new LocalServer(0, path, readWrite);
    }

    public boolean isUnix() {
        return path != null;
    }
}
