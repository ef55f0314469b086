package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NettyLogTest {

    @Test
    void placeholdersAreFilledInOrderAndAnUnusedThrowableIsAppended() {
        assertThat(NettyLog.format("a {} b {}", 1, "x")).isEqualTo("a 1 b x");
        assertThat(NettyLog.format("no placeholder", 1)).isEqualTo("no placeholder");
        assertThat(NettyLog.format("one {} left {}", 7)).isEqualTo("one 7 left {}");
        assertThat(NettyLog.format("failed {}", "op", new IllegalStateException("boom")))
                .isEqualTo("failed op: java.lang.IllegalStateException: boom");
    }

    @Test
    void nettyWarningsReachTheDaemonLogAndItsDebugOutputDoesNot(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        NettyLog.install(new DaemonLog(file.toString(), 0));
        InternalLogger logger = InternalLoggerFactory.getInstance("io.netty.channel.SomeChannel");
        logger.debug("chatter {}", 1);
        logger.info("more chatter");
        logger.warn("cannot do {} on {}", "this", "that");
        logger.error("broken", new IllegalStateException("boom"));

        assertThat(Files.readString(file))
                .doesNotContain("chatter")
                .contains("netty warning (SomeChannel): cannot do this on that")
                .contains("netty error (SomeChannel): broken: java.lang.IllegalStateException: boom");
    }
}
