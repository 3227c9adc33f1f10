package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLevelsTest {

    @Test
    void readsLoggerLevelPairs() {
        assertThat(LogLevels.parse(" shop.gateway.routing=debug , io.vertx=WARN")
                        .levels())
                .containsExactly(Map.entry("shop.gateway.routing", Level.DEBUG), Map.entry("io.vertx", Level.WARN));
        assertThat(LogLevels.from(Settings.of(Map.of())).levels()).isEmpty();
    }

    @Test
    void refusesALevelThatIsNoneNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> LogLevels.from(Settings.of(Map.of("SHOP_LOG_LEVELS", "shop=LOUD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "SHOP_LOG_LEVELS: \"LOUD\" (for shop) is not a level: TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        assertThatThrownBy(() -> LogLevels.parse("shop.orders"))
                .hasMessageStartingWith("SHOP_LOG_LEVELS must be logger=LEVEL pairs")
                .hasMessageContaining("\"shop.orders\"");
        assertThatThrownBy(() -> LogLevels.parse("=INFO")).hasMessageStartingWith("SHOP_LOG_LEVELS");
    }
}
