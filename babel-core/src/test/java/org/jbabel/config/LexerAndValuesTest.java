package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

class LexerAndValuesTest {

    private static Statement lex(String line) throws ConfigException {
        return Lexer.lex(new Position("t", 1, 0), line);
    }

    @Test
    void hashStartsACommentEvenInsideAWordButNotInsideAQuotedString() throws ConfigException {
        Statement s = lex("interface eth0#comment");
        assertThat(s.tokens()).extracting(Token::text).containsExactly("interface", "eth0");
        assertThat(s.text()).isEqualTo("interface eth0");
        Statement q = lex("log-file \"/tmp/a#b \\\"c\\\\\" # trailing");
        assertThat(q.tokens()).extracting(Token::text).containsExactly("log-file", "/tmp/a#b \"c\\");
        assertThat(q.tokens().get(1).quoted()).isTrue();
        assertThat(q.tokens().get(1).column()).isEqualTo(10);
    }

    @Test
    void tabsAndCarriageReturnsSeparateWords() throws ConfigException {
        assertThat(lex("\tdebug\t1\r").tokens()).extracting(Token::text).containsExactly("debug", "1");
    }

    @Test
    void unterminatedQuotesAndOverlongWordsAreErrors() {
        assertThatThrownBy(() -> lex("log-file \"/tmp/x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unterminated quoted string");
        assertThatThrownBy(() -> lex("interface " + "x".repeat(256)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("longer than 255");
    }

    @Test
    void linesAreNumberedFromOneAndParsedInOrderSoTheFirstBadLineIsReported() {
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> Samples.config("debug 1", "", "# c", "debug x", "log-file \"unterminated"));
        assertThat(e.line()).isEqualTo(4);
    }

    @Test
    void integersFollowCsStrtolWithBaseZero() {
        assertThat(Values.integer("42")).isEqualTo(42);
        assertThat(Values.integer("0x2A")).isEqualTo(42);
        assertThat(Values.integer("052")).isEqualTo(42);
        assertThat(Values.integer("-7")).isEqualTo(-7);
        assertThat(Values.integer("+0")).isEqualTo(0);
        assertThat(Values.integer("0")).isEqualTo(0);
        assertThat(Values.integer("08")).isNull();
        assertThat(Values.integer("0x")).isNull();
        assertThat(Values.integer("12a")).isNull();
        assertThat(Values.integer("99999999999")).isNull();
        assertThat(Values.natural(" 5\t")).isEqualTo(5);
        assertThat(Values.natural("-5")).isEqualTo(-1);
    }

    @Test
    void durationsHaveUpToThreeDecimalsAndFurtherDigitsAreDropped() {
        assertThat(Values.thousands("4")).isEqualTo(4000);
        assertThat(Values.thousands("0.5")).isEqualTo(500);
        assertThat(Values.thousands(".25")).isEqualTo(250);
        assertThat(Values.thousands("1.23456")).isEqualTo(1234);
        assertThat(Values.thousands("4.")).isEqualTo(4000);
        assertThat(Values.thousands("-1")).isEqualTo(-1);
        assertThat(Values.thousands("4s")).isEqualTo(-1);
        assertThat(Values.thousands("1e3")).isEqualTo(-1);
    }

    @Test
    void booleansAcceptBabeldsSixWords() {
        assertThat(Values.bool("yes")).isEqualTo(Tristate.TRUE);
        assertThat(Values.bool("true")).isEqualTo(Tristate.TRUE);
        assertThat(Values.bool("no")).isEqualTo(Tristate.FALSE);
        assertThat(Values.bool("false")).isEqualTo(Tristate.FALSE);
        assertThat(Values.bool("auto")).isEqualTo(Tristate.DEFAULT);
        assertThat(Values.bool("default")).isEqualTo(Tristate.DEFAULT);
        assertThat(Values.bool("on")).isNull();
        assertThat(Values.bool("TRUE")).isNull();
    }

    @Test
    void addressesMustBeStrictNumericLiterals() {
        assertThat(Values.address("192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(Values.address("fe80::1")).isEqualTo(IpAddress.parse("fe80::1"));
        assertThat(Values.address("::ffff:192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(Values.address("1.2.3")).isNull();
        assertThat(Values.address("01.2.3.4")).isNull();
        assertThat(Values.address("256.1.1.1")).isNull();
        assertThat(Values.address("fe80::1%eth0")).isNull();
        assertThat(Values.address("localhost")).isNull();
        assertThat(Values.address(".::")).isNull();
        assertThat(Values.address("1:2:3:4:5:6:7:8:9")).isNull();
    }

    @Test
    void prefixesAcceptDefaultBareAddressesAndCLengths() {
        assertThat(Values.prefix("default")).isEqualTo(Prefix.V6_DEFAULT);
        assertThat(Values.prefix("2001:db8::1")).isEqualTo(Prefix.parse("2001:db8::1/128"));
        assertThat(Values.prefix("10.1.2.3/0x10")).isEqualTo(Prefix.parse("10.1.0.0/16"));
        assertThat(Values.prefix("10.0.0.0/33")).isNull();
        assertThat(Values.prefix("::/129")).isNull();
        assertThat(Values.prefix("::/-1")).isNull();
    }

    @Test
    void routerIdsAreEui64OrMac48() {
        assertThat(Values.routerId("02:00:00:ff:fe:00:00:0a")).isEqualTo(new RouterId(0x020000fffe00000aL));
        assertThat(Values.routerId("2-0-0-ff-fe-0-0-a")).isEqualTo(new RouterId(0x020000fffe00000aL));
        assertThat(Values.routerId("02:00:00:00:00:0a")).isEqualTo(new RouterId(0x020000fffe00000aL));
        assertThat(Values.routerId("02:00:00:00:00:00:00")).isNull();
        assertThat(Values.routerId("02-00-00-00-00-0a")).isNull();
        assertThat(Values.routerId("02:00:00:ff:fe:00:00:0g")).isNull();
        assertThat(Values.routerId("002:00:00:ff:fe:00:00:0a")).isNull();
    }
}
