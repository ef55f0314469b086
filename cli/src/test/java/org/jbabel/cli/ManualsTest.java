package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.jbabel.config.CommandLineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and completions the package installs ({@link Manuals}): every option of every command is in its page
 * and its completion, and jbabeld's page documents exactly the options babeld's parser accepts. Whether man renders
 * them and bash loads the completions is checked on the installed package ({@code JbabeldDebianPackageTest}).
 */
class ManualsTest {

    @Test
    void jbabeldsPageDocumentsExactlyTheLettersItsParserAccepts() {
        String documented = Manuals.JBABELD_OPTIONS.keySet().stream().map(String::valueOf).collect(Collectors.joining());
        assertThat(documented).isEqualTo(CommandLineOptions.optionLetters());
    }

    @Test
    void everyOptionOfEveryCommandIsInItsPageAndCompletion(@TempDir Path dir) throws Exception {
        Manuals.main(new String[] {dir.toString()});
        String jbabel = Files.readString(dir.resolve("jbabel.1"));
        String jbabeld = Files.readString(dir.resolve("jbabeld.8"));
        String jbabelCompletion = Files.readString(dir.resolve("completion/jbabel"));
        String jbabeldCompletion = Files.readString(dir.resolve("completion/jbabeld"));

        assertThat(jbabel).startsWith(".TH JBABEL 1 ").contains(".SH NAME\njbabel \\- ");
        CommandLine main = new CommandLine(new Main());
        for (String sub : new String[] {"ctl", "sim", "decode"}) {
            assertThat(jbabel).contains(".SH \"jbabel " + sub + "\"");
            assertThat(jbabelCompletion).contains(sub);
            for (OptionSpec o : main.getSubcommands().get(sub).getCommandSpec().options()) {
                assertThat(jbabel).contains("\\fB" + Manuals.text(String.join(", ", o.names())) + "\\fR");
                assertThat(jbabelCompletion).contains(o.longestName());
            }
        }
        assertThat(jbabel).doesNotContain("${");

        assertThat(jbabeld).startsWith(".TH JBABELD 8 ").contains("\\fB\\-G\\fR \\fIPORT|PATH\\fR", "\\fIINTERFACE\\fR");
        for (char letter : CommandLineOptions.optionLetters().toCharArray()) {
            assertThat(jbabeld).contains("\\fB\\-" + letter + "\\fR");
            assertThat(jbabeldCompletion).contains("-" + letter);
        }
        // no line of text that troff would take for a request
        assertThat(jbabel.lines().filter(l -> l.startsWith(".") && !l.matches("\\.(TH|SH|SS|TP|PP|nf|fi)( .*)?")))
                .isEmpty();
    }
}
