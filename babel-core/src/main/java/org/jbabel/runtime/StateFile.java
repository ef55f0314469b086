package org.jbabel.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jbabel.wire.RouterId;

/**
 * The state file ({@code -S}, {@code state-file}): what survives a restart. babeld's file holds just the seqno
 * (a decimal number); ours holds {@code ROUTER-ID SEQNO} on one line. Both are read; a file we cannot make sense
 * of reads as empty.
 *
 * <p>babeld writes its file only at a clean exit, so after a crash it starts with a random seqno that its
 * neighbours may find unfeasible for minutes. We rewrite the file whenever the seqno changes (which is rare:
 * only a seqno request for one of our routes bumps it), so a restart after {@code kill -9} still starts from
 * the last seqno plus one.
 *
 * @param routerId the saved router-id, or null when the file holds only a seqno (babeld's format)
 * @param seqno the saved seqno, 0..65535
 */
public record StateFile(RouterId routerId, int seqno) {

    public StateFile {
        if (seqno < 0 || seqno > 0xFFFF) {
            throw new IllegalArgumentException("seqno out of range: " + seqno);
        }
    }

    /** Parses the contents of a state file, in either format. */
    public static Optional<StateFile> parse(String text) {
        String[] words = words(text.strip());
        try {
            if (words.length == 1) {
                return Optional.of(new StateFile(null, Integer.parseInt(words[0])));
            }
            if (words.length == 2) {
                RouterId id = RouterId.parse(words[0]);
                return id.isValid() ? Optional.of(new StateFile(id, Integer.parseInt(words[1]))) : Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The words of {@code text} between runs of {@code \s} (space, tab, newline, vertical tab, form feed, return),
     * split by hand: a regular expression would load and run the regex machinery at every daemon start.
     */
    private static String[] words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0;
            if (space && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out.isEmpty() ? new String[] {""} : out.toArray(new String[0]);
    }

    /** Reads the file; empty when it does not exist, cannot be read or holds nothing we understand. */
    public static Optional<StateFile> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The line written to the file. */
    public String format() {
        return (routerId == null ? "" : routerId + " ") + seqno + "\n";
    }

    /** Writes the file atomically (a temporary file next to it, then a rename). */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, format(), StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
