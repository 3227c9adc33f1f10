package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private final Settings settings = Settings.of(
            Map.of("SHOP_A", "3s", "SHOP_B", "250ms", "SHOP_N", "12", "SHOP_PROFILE", "local", "SHOP_BLANK", " "));

    @Test
    void readsDurationsNumbersAndTheProfile() {
        assertThat(settings.duration("SHOP_A", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.duration("SHOP_B", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.duration("SHOP_MISSING", Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.integer("SHOP_N", 1, 0, 100)).isEqualTo(12);
        assertThat(settings.text("SHOP_BLANK", "fallback")).isEqualTo("fallback");
        assertThat(settings.local()).isTrue();
        assertThat(Settings.of(Map.of()).local()).isFalse();
        assertThat(settings.with("SHOP_N", "13").integer("SHOP_N", 1, 0, 100)).isEqualTo(13);
    }

    @Test
    void refusesABadValueNamingTheVariable() {
        assertThatThrownBy(() -> settings.integer("SHOP_N", 1, 0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SHOP_N must be a whole number from 0 to 10");
        assertThatThrownBy(() -> settings.duration("SHOP_N", Duration.ZERO)).hasMessageContaining("SHOP_N");
        assertThatThrownBy(() -> settings.flag("SHOP_A", false)).hasMessage("SHOP_A must be true or false");
    }
}
