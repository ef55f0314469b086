package org.jbabel.control;

/** Range check for the 16-bit costs and metrics of a dump. */
final class Metrics {

    private Metrics() {}

    static int check(int value, String what) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException(what + " out of range 0..65535: " + value);
        }
        return value;
    }
}
