package io.stsbroker.client.sidecar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidecarArgsTest {

    @Test
    void serveDefaultsToLoopbackPort9911() throws Exception {
        SidecarArgs args = SidecarArgs.parse("serve", "--role", "search-reader");

        assertThat(args).isEqualTo(new SidecarArgs(false, "search-reader", 9911, InetAddress.getByName("127.0.0.1")));
        assertThat(args.loopbackOnly()).isTrue();
    }

    @Test
    void serveAcceptsSpaceAndEqualsForms() throws Exception {
        SidecarArgs args = SidecarArgs.parse("serve", "--port=0", "--role=r", "--bind", "::1");

        assertThat(args.port()).isZero();
        assertThat(args.role()).isEqualTo("r");
        assertThat(args.bind()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(args.loopbackOnly()).isTrue();
    }

    @Test
    void bindToAnotherAddressIsOnlyByExplicitFlagAndIsNotLoopback() throws Exception {
        SidecarArgs args = SidecarArgs.parse("serve", "--role", "r", "--bind", "0.0.0.0");

        assertThat(args.loopbackOnly()).isFalse();
    }

    @Test
    void helpAnywhereWins() throws Exception {
        assertThat(SidecarArgs.parse("--help").help()).isTrue();
        assertThat(SidecarArgs.parse("serve", "--port", "x", "-h").help()).isTrue();
        assertThat(SidecarArgs.usage()).contains("serve --role <role>", "ALIBABA_CLOUD_CREDENTIALS_URI", "--bind", "/health");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                  | missing command",
            "start --role r                      | unknown command 'start'",
            "serve                               | --role is required",
            "serve --role                        | --role needs a value",
            "serve --role --port 1               | --role needs a value",
            "serve --role r --role s             | --role is given more than once",
            "serve --role r --verbose            | unknown option '--verbose'",
            "serve --role r extra                | unknown option 'extra'",
            "serve --role r --port 65536         | --port must be a number from 0 to 65535",
            "serve --role r --port -1            | --port must be a number from 0 to 65535",
            "serve --role r --port http          | --port must be a number from 0 to 65535",
            "serve --role r --bind example.com   | --bind must be an IP address",
            "serve --role r --bind localhost     | --bind must be an IP address",
            "serve --role r --bind 999.1.1.1     | --bind must be an IP address"})
    void badCommandLinesFailWithAClearMessage(String commandLine, String message) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");

        assertThatThrownBy(() -> SidecarArgs.parse(args))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void allowedHostsAndPathTokenOptionsAreParsed() throws Exception {
        SidecarArgs args = SidecarArgs.parse("serve", "--role", "r", "--bind", "0.0.0.0", "--allowed-host", "a.example,10.0.0.1",
                "--allowed-host=[fd00::1]", "--generate-path-token");

        assertThat(args.allowedHosts()).containsExactlyInAnyOrder("a.example", "10.0.0.1", "[fd00::1]");
        assertThat(args.generatePathToken()).isTrue();
        assertThat(args.pathTokenFile()).isNull();
        assertThat(SidecarArgs.parse("serve", "--role", "r", "--path-token-file", "/run/t").pathTokenFile())
                .isEqualTo(java.nio.file.Path.of("/run/t"));
    }

    @Test
    void badAllowedHostsAndBothPathTokenOptionsAreUsageErrors() {
        assertThatThrownBy(() -> SidecarArgs.parse("serve", "--role", "r", "--allowed-host", "evil.example/x"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--allowed-host must be a DNS name or IP literal");
        assertThatThrownBy(() -> SidecarArgs.parse("serve", "--role", "r", "--allowed-host", ""))
                .isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> SidecarArgs.parse("serve", "--role", "r", "--path-token-file", "/t", "--generate-path-token"))
                .isInstanceOf(UsageException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> SidecarArgs.parse("serve", "--role", "r", "--generate-path-token=yes"))
                .isInstanceOf(UsageException.class).hasMessageContaining("takes no value");
    }
}
