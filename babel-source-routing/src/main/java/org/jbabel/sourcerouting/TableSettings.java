package org.jbabel.sourcerouting;

import org.jbabel.config.GlobalSettings;

/**
 * Numbering of the tables and rules of {@link TablePlacement}: source prefix number i (0-based) gets a table
 * from {@code firstTable .. firstTable + maxTables - 1} and its rule a priority from {@code firstRulePriority ..
 * firstRulePriority + maxTables - 1}, more specific sources at lower priorities.
 *
 * @param firstTable babeld's {@code first-table-number} (default 10)
 * @param firstRulePriority babeld's {@code first-rule-priority} (default 100)
 * @param maxTables how many distinct source prefixes one family may have (babeld: 10)
 */
public record TableSettings(int firstTable, long firstRulePriority, int maxTables) {

    /** babeld's numbering: tables 10..19, rule priorities 100..109. */
    public static final TableSettings DEFAULT = new TableSettings(10, 100, 10);

    /** The numbering the configuration asks for ({@code first-table-number}, {@code first-rule-priority}). */
    public static TableSettings of(GlobalSettings globals) {
        return new TableSettings(globals.firstTableNumber(), globals.firstRulePriority(),
                GlobalSettings.SOURCE_TABLES);
    }

    public TableSettings {
        if (maxTables < 1 || firstTable < 1 || (long) firstTable + maxTables - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tables " + firstTable + " and following " + maxTables
                    + " must be positive table numbers");
        }
        if (firstTable <= 255 && firstTable + maxTables - 1 >= 252) {
            throw new IllegalArgumentException("tables " + firstTable + ".." + (firstTable + maxTables - 1)
                    + " overlap the kernel's tables 252..255 (compat, default, main, local)");
        }
        if (firstRulePriority < 1 || firstRulePriority + maxTables - 1 >= 32766) {
            throw new IllegalArgumentException("rule priorities " + firstRulePriority + ".."
                    + (firstRulePriority + maxTables - 1) + " must lie between 1 and 32765, before the main table");
        }
    }
}
