package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@link StateFile} kept as a journal: {@link #compact} writes the whole state (temporary file, forced, renamed,
 * directory forced) and opens the new file for appending; {@link #append} adds records to its end and forces them
 * with one fdatasync, without touching the directory. Until the first compaction (and after a failed append, which
 * may have left part of a record) nothing is appended: the caller compacts first, so a record is never appended
 * after a torn one.
 */
final class StateJournal implements AutoCloseable {

    /** Opens the file for appending (tests wrap the channel to see when it is forced). */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path file;
    private Opener opener = f -> FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    private FileChannel channel;
    private int records;

    StateJournal(Path file) {
        this.file = file;
    }

    /** For tests: how the file is opened for appending from the next compaction on. */
    void opener(Opener o) {
        opener = o;
    }

    /** Whether records can be appended (a compaction wrote the file and no append failed since). */
    boolean open() {
        return channel != null;
    }

    /** Records appended since the last compaction. */
    int records() {
        return records;
    }

    /** Rewrites the whole file from {@code state} and opens it for appending. */
    void compact(SavedState state) throws IOException {
        close();
        StateFile.write(file, state);
        channel = opener.open(file);
        records = 0;
    }

    /**
     * Appends {@code count} records (whole lines in {@code text}) and forces them to disk; when this returns they
     * survive a crash. On failure the journal is closed (the caller compacts before the next append).
     */
    void append(CharSequence text, int count) throws IOException {
        if (channel == null) {
            throw new IllegalStateException("the state journal is not open; compact first");
        }
        try {
            ByteBuffer data = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(text));
            while (data.hasRemaining()) {
                channel.write(data);
            }
            channel.force(false);
            records += count;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was pending: every append forced its records
            }
            channel = null;
        }
    }
}
