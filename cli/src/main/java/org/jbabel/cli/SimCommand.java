package org.jbabel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jbabel sim --topology FILE ...}. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "Simulate a Babel mesh in virtual time.")
final class SimCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("sim under construction");
    }
}
