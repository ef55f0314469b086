package org.jbabel.runtime;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Sends netty's own warnings and errors to the daemon's log (standard error or the {@code -L} file) and drops its
 * debug, trace and info messages. Without it netty falls back on {@code java.util.logging}, which prints to
 * standard error whatever the log file, and whose set-up loads some hundred classes into every daemon
 * (docs/DAEMON.md, "Memory").
 */
final class NettyLog extends InternalLoggerFactory {

    private static final NettyLog FACTORY = new NettyLog();
    private static volatile DaemonLog sink = DaemonLog.stderr(0);

    private NettyLog() {}

    /** Makes netty log to {@code log}; call before netty is first used, again for a daemon with another log. */
    static void install(DaemonLog log) {
        sink = log;
        InternalLoggerFactory.setDefaultFactory(FACTORY);
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    /** Fills netty's {@code {}} placeholders in order; a trailing throwable that no placeholder took is appended. */
    static String format(String pattern, Object... args) {
        StringBuilder b = new StringBuilder(pattern.length() + 16);
        int used = 0;
        int from = 0;
        for (int at = pattern.indexOf("{}"); at >= 0 && used < args.length; at = pattern.indexOf("{}", from)) {
            b.append(pattern, from, at).append(args[used++]);
            from = at + 2;
        }
        b.append(pattern, from, pattern.length());
        if (used < args.length && args[args.length - 1] instanceof Throwable t) {
            b.append(": ").append(t);
        }
        return b.toString();
    }

    private static final class Logger extends AbstractInternalLogger {

        Logger(String name) {
            super(name);
        }

        private void log(String level, String message) {
            String simple = name().substring(name().lastIndexOf('.') + 1);
            sink.info("netty " + level + " (" + simple + "): " + message);
        }

        /**
         * As {@link #log(String, String)}; an Error netty caught (a task of the loop or a handler threw it) is
         * fatal: it goes to {@link FatalErrors}.
         */
        private void log(String level, String message, Object... args) {
            Throwable t = args.length > 0 && args[args.length - 1] instanceof Throwable x ? x : null;
            if (t != null && FatalErrors.isFatal(t)) {
                FatalErrors.report(Thread.currentThread(), t);
            }
            // the stack trace too: where netty caught something is rarely where it came from
            log(level, t == null ? message : message + System.lineSeparator() + FatalErrors.stackTrace(t));
        }

        @Override public boolean isTraceEnabled() { return false; }
        @Override public void trace(String msg) {}
        @Override public void trace(String format, Object arg) {}
        @Override public void trace(String format, Object a, Object b) {}
        @Override public void trace(String format, Object... args) {}
        @Override public void trace(String msg, Throwable t) {}

        @Override public boolean isDebugEnabled() { return false; }
        @Override public void debug(String msg) {}
        @Override public void debug(String format, Object arg) {}
        @Override public void debug(String format, Object a, Object b) {}
        @Override public void debug(String format, Object... args) {}
        @Override public void debug(String msg, Throwable t) {}

        @Override public boolean isInfoEnabled() { return false; }
        @Override public void info(String msg) {}
        @Override public void info(String format, Object arg) {}
        @Override public void info(String format, Object a, Object b) {}
        @Override public void info(String format, Object... args) {}
        @Override public void info(String msg, Throwable t) {}

        @Override public boolean isWarnEnabled() { return true; }
        @Override public void warn(String msg) { log("warning", msg); }
        @Override public void warn(String format, Object arg) { log("warning", format(format, arg), arg); }
        @Override public void warn(String format, Object a, Object b) { log("warning", format(format, a, b), a, b); }
        @Override public void warn(String format, Object... args) { log("warning", format(format, args), args); }
        @Override public void warn(String msg, Throwable t) { log("warning", msg + ": " + t, t); }

        @Override public boolean isErrorEnabled() { return true; }
        @Override public void error(String msg) { log("error", msg); }
        @Override public void error(String format, Object arg) { log("error", format(format, arg), arg); }
        @Override public void error(String format, Object a, Object b) { log("error", format(format, a, b), a, b); }
        @Override public void error(String format, Object... args) { log("error", format(format, args), args); }
        @Override public void error(String msg, Throwable t) { log("error", msg + ": " + t, t); }
    }
}
