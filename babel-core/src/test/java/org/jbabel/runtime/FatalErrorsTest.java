package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors reach the fatal handling from where they are caught: netty's log of a failed task (the daemon's own loop:
 * DaemonLoopTest). In a test JVM (no {@link FatalErrors#install}) the handling logs and cleans up but does not halt;
 * jbabeld's exit status and the kernel clean-up are proved by the conformance test JbabeldFatalErrorTest.
 */
class FatalErrorsTest {

    @Test
    void anErrorInATaskOfANettyLoopIsLoggedWithItsStackTraceAndCleanedUpAfter(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log");
        DaemonLog log = new DaemonLog(file.toString(), 0);
        NettyLog.install(log);
        InternalLoggerFactory.getInstance("x"); // netty's loggers are ours from here on
        CountDownLatch cleanedUp = new CountDownLatch(1);
        FatalErrors.onFatal(log, cleanedUp::countDown);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            group.next().execute(() -> {
                throw new StackOverflowError("injected");
            });
            assertThat(cleanedUp.await(10, TimeUnit.SECONDS)).as("the clean-up ran").isTrue();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
        assertThat(Files.readString(file)).contains("fatal error in thread ")
                .contains("java.lang.StackOverflowError: injected").contains("\tat ");
    }

    @Test
    void anExceptionWrappingAnErrorIsFatalAndAPlainOneIsNot() {
        assertThat(FatalErrors.isFatal(new RuntimeException(new OutOfMemoryError()))).isTrue();
        assertThat(FatalErrors.isFatal(new IllegalStateException("no"))).isFalse();
    }
}
