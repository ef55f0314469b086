package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSetupTest {

    @TempDir
    Path sys;

    private void given(String name, String value) throws Exception {
        Path p = sys.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, value + "\n");
    }

    private String value(String name) throws Exception {
        return Files.readString(sys.resolve(name)).strip();
    }

    @Test
    void setsBabeldsSysctlsAndRestoresThemAtExit() throws Exception {
        given("net/ipv6/conf/all/forwarding", "0");
        given("net/ipv4/conf/all/forwarding", "1");
        given("net/ipv6/conf/all/accept_redirects", "1");
        given("net/ipv4/conf/all/rp_filter", "2");
        given("net/ipv4/conf/wlan0/rp_filter", "1");
        KernelSetup k = new KernelSetup(sys);
        k.start();
        k.interfaceUp("wlan0");
        assertThat(value("net/ipv6/conf/all/forwarding")).isEqualTo("1");
        assertThat(value("net/ipv6/conf/all/accept_redirects")).isEqualTo("0");
        assertThat(value("net/ipv4/conf/all/rp_filter")).isEqualTo("0");
        assertThat(value("net/ipv4/conf/wlan0/rp_filter")).isEqualTo("0");
        assertThat(k.errors()).isEmpty();

        k.restore();
        assertThat(value("net/ipv6/conf/all/forwarding")).isEqualTo("0");
        assertThat(value("net/ipv4/conf/all/forwarding")).isEqualTo("1");
        assertThat(value("net/ipv6/conf/all/accept_redirects")).isEqualTo("1");
        assertThat(value("net/ipv4/conf/all/rp_filter")).isEqualTo("2");
        assertThat(value("net/ipv4/conf/wlan0/rp_filter")).isEqualTo("1");
    }

    @Test
    void missingSysctlsAreReportedNotThrown() {
        KernelSetup k = new KernelSetup(sys);
        k.start();
        k.interfaceUp("../../etc");
        assertThat(k.errors()).hasSize(4);
        k.restore();
    }
}
