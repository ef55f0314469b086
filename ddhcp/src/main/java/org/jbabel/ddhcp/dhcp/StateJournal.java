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

    private final Path file;
    private FileChannel channel;
    private int records;

    StateJournal(Path file) {
        this.file = file;
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
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
