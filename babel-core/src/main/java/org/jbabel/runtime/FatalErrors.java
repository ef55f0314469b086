package org.jbabel.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * No {@link Error} is survived: an {@link OutOfMemoryError}, a {@link StackOverflowError}, a linkage error ... in a
 * task of the daemon's loop, in the netlink reader thread or in any other thread is logged with its stack trace, the
 * daemon's clean-up runs (its kernel routes and rules removed, {@link Daemon}), and the process halts with status
 * {@value #EXIT_STATUS} so that a supervisor restarts it. Once the first Error is being handled, every other thread
 * that reports one waits for the halt.
 *
 * <p>The Errors reach {@link #report} from: the default uncaught-exception handler ({@link #install}: every thread
 * whose exception reaches its top, including threads we do not control), the daemon's loop (a task or timer that
 * threw, {@link DaemonLoop}), netty's log (a control socket's handler that threw: netty catches and logs it,
 * {@link NettyLog}), and the catch blocks of our own threads. A reserve of heap ({@value #RESERVE_BYTES} bytes) is held from the start and released first,
 * so that logging and the clean-up can allocate after an OutOfMemoryError.
 *
 * <p>Only a process that {@linkplain #install installed} the handling halts: a daemon started inside a test JVM
 * logs the Error and runs its clean-up but leaves the JVM to the test.
 */
public final class FatalErrors {

    /** The exit status after an Error: EX_SOFTWARE of sysexits.h. */
    public static final int EXIT_STATUS = 70;
    /**
     * Heap kept in reserve for the handling of an OutOfMemoryError: the log line with its stack trace and the
     * clean-up's small objects ({@code EmergencyFlush} holds its buffers from the start). Resident from the start.
     */
    static final int RESERVE_BYTES = 256 << 10;

    private static final AtomicBoolean HANDLING = new AtomicBoolean();
    @SuppressWarnings("unused") // held only to be released
    private static volatile byte[] reserve = new byte[RESERVE_BYTES];
    private static volatile DaemonLog log = DaemonLog.stderr(0);
    private static volatile Runnable cleanUp = () -> {};
    private static volatile boolean halt;

    private FatalErrors() {}

    /**
     * Makes every Error fatal to this process: the default uncaught-exception handler reports to {@link #report},
     * which halts the JVM after the clean-up. jbabeld's main calls it once, before the daemon starts.
     */
    public static void install(DaemonLog daemonLog) {
        log = daemonLog;
        halt = true;
        Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
            if (isFatal(t)) {
                report(thread, t);
            } else {
                daemonLog.info("uncaught exception in thread " + thread.getName() + ": " + stackTrace(t));
            }
        });
    }

    /** The clean-up of the running daemon (its kernel routes and rules out), run once before the halt. */
    static void onFatal(DaemonLog daemonLog, Runnable action) {
        log = daemonLog;
        cleanUp = action;
    }

    /** Whether {@code t} is, or was caused by, an {@link Error}. */
    public static boolean isFatal(Throwable t) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** Reports an Error caught on {@code thread}: logs it, cleans up and halts (see the class comment). */
    public static void report(Thread thread, Throwable t) {
        if (!HANDLING.compareAndSet(false, true)) {
            if (halt) {
                waitForTheHalt();
            }
            return;
        }
        reserve = null;
        try {
            log.info("fatal error in thread " + thread.getName() + ", exiting with status " + EXIT_STATUS
                    + " after removing our kernel routes: " + stackTrace(t));
        } catch (Throwable again) {
            // the log cannot be written: the clean-up and the exit still matter more
        }
        try {
            cleanUp.run();
        } catch (Throwable again) {
            try {
                log.info("clean-up after the fatal error failed: " + again);
            } catch (Throwable ignored) {
                // nothing left to try
            }
        } finally {
            if (halt) {
                Runtime.getRuntime().halt(EXIT_STATUS);
            }
            HANDLING.set(false);
        }
    }

    private static void waitForTheHalt() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // keep waiting: the handling thread halts the process
            }
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().strip();
    }

    /** Test only ({@code jbabel.test.fault}): allocates until the heap is exhausted. */
    static void exhaustHeap() {
        java.util.List<long[]> hog = new java.util.ArrayList<>();
        while (true) {
            hog.add(new long[1 << 16]);
        }
    }
}
