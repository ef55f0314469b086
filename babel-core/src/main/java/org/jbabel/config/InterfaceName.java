package org.jbabel.config;

/**
 * The name in an {@code interface} statement or on the command line: either an exact interface name, or (a jbabel
 * addition) a pattern in which {@code *} matches any run of characters and {@code ?} any one character, e.g.
 * {@code wg-*}. Linux interface names practically never contain these characters.
 */
public record InterfaceName(String text) {

    public InterfaceName {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty interface name");
        }
    }

    public boolean isPattern() {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** Whether an interface called {@code name} is meant. */
    public boolean matches(String name) {
        return isPattern() ? glob(0, name, 0) : text.equals(name);
    }

    private boolean glob(int pi, String name, int ni) {
        while (pi < text.length()) {
            char p = text.charAt(pi);
            if (p == '*') {
                for (int k = name.length(); k >= ni; k--) {
                    if (glob(pi + 1, name, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ni >= name.length() || (p != '?' && p != name.charAt(ni))) {
                return false;
            }
            pi++;
            ni++;
        }
        return ni == name.length();
    }

    @Override
    public String toString() {
        return text;
    }
}
