package org.jbabel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jbabel decode --pcap FILE [--json]}. */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Print the Babel packets of a capture.")
final class DecodeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("decode under construction");
    }
}
