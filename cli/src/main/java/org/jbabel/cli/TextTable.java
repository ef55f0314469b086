package org.jbabel.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table: a header row, then one line per row, columns two blanks apart and padded to their widest
 * cell; a column whose cells are all numbers (or empty, shown as {@code -}) is right-aligned, every other one
 * left-aligned. Cells are never cut or wrapped, so a line is as long as its row needs (a long IPv6 prefix stays
 * whole), and no line ends in blanks.
 */
final class TextTable {

    /** A cell's text, and whether it is a number (right-aligned when its whole column is). */
    record Cell(String text, boolean number) {
        static final Cell EMPTY = new Cell("-", false);

        static Cell text(String s) {
            return s == null || s.isEmpty() ? EMPTY : new Cell(s, false);
        }
    }

    private final List<String> headers;
    private final int width;
    private final List<Cell[]> rows = new ArrayList<>();

    /** A table with these column headers. */
    TextTable(List<String> headers) {
        this(headers, headers.size());
    }

    private TextTable(List<String> headers, int width) {
        this.headers = headers;
        this.width = width;
    }

    /** A table of {@code width} columns without a header row (names and values). */
    static TextTable headless(int width) {
        return new TextTable(null, width);
    }

    /** Adds a row of exactly as many cells as there are columns. */
    TextTable row(List<Cell> cells) {
        if (cells.size() != width) {
            throw new IllegalArgumentException(cells.size() + " cells for " + width + " columns");
        }
        rows.add(cells.toArray(Cell[]::new));
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The header line (if any) and one line per row. */
    List<String> lines() {
        int[] widths = new int[width];
        boolean[] right = new boolean[width];
        Arrays.fill(right, !rows.isEmpty());
        for (int c = 0; c < width; c++) {
            widths[c] = headers == null ? 0 : headers.get(c).length();
            for (Cell[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].text().length());
                right[c] &= row[c].number() || row[c] == Cell.EMPTY;
            }
        }
        List<String> lines = new ArrayList<>(rows.size() + 1);
        if (headers != null) {
            lines.add(line(headers.toArray(String[]::new), widths, right));
        }
        for (Cell[] row : rows) {
            lines.add(line(Arrays.stream(row).map(Cell::text).toArray(String[]::new), widths, right));
        }
        return lines;
    }

    private static String line(String[] cells, int[] widths, boolean[] right) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                sb.append("  ");
            }
            int pad = widths[c] - cells[c].length();
            if (right[c]) {
                sb.repeat(' ', pad).append(cells[c]);
            } else {
                sb.append(cells[c]);
                if (c < cells.length - 1) {
                    sb.repeat(' ', pad);
                }
            }
        }
        return sb.toString();
    }
}
