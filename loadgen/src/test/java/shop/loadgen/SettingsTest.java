package shop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The load generator's options, and a clear word for each wrong one. */
class SettingsTest {

    @Test
    void readsEveryOption() {
        Settings settings =
                Settings.parse("--gateway", "http://127.0.0.1:9000", "--rate", "50", "--duration", "0.5", "--key", "k");

        assertThat(settings)
                .isEqualTo(new Settings(URI.create("http://127.0.0.1:9000"), "k", 50, 0, Duration.ofMillis(500)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--rate 50                                      | Give the gateway to load",
                "--gateway localhost:8080 --rate 5              | --gateway must be an http(s)://host:port URL",
                "--gateway http://h:1 --rate 5 --concurrency 5  | Give either --rate N",
                "--gateway http://h:1                           | Give either --rate N",
                "--gateway http://h:1 --rate fast               | --rate must be a whole number above 0 (it is fast)",
                "--gateway http://h:1 --concurrency 0           | --concurrency must be a whole number above 0",
                "--gateway http://h:1 --rate 5 --duration -1    | --duration must be seconds above 0",
                "--gateway http://h:1 --rate 5 --speed 3        | Unknown option --speed",
                "--gateway http://h:1 --rate                    | Every option takes a value",
            })
    void refusesWhatItCannotRun(String args, String message) {
        assertThatThrownBy(() -> Settings.parse(args.strip().split(" +")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
