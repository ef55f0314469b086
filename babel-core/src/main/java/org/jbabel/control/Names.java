package org.jbabel.control;

/** Checks for the words printed in a dump line: interface names and ids must be single non-empty words. */
final class Names {

    private Names() {}

    static String check(String word, String what) {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(what + " must be one word: \"" + word + "\"");
            }
        }
        return word;
    }

    /** A 48-bit hash of the printed form of the given parts as 12 lowercase hex digits: an opaque id that is stable for a key. */
    static String hashId(Object... parts) {
        long h = 0x9e3779b97f4a7c15L;
        for (Object p : parts) {
            for (char c : p.toString().toCharArray()) {
                h = mix(h + c);
            }
            h = mix(h + ' ');
        }
        return String.format("%012x", h & 0xffff_ffff_ffffL);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
