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

    @Test
    void refusesAProfileThatIsNeitherLocalNorProduction() {
        assertThat(Settings.of(Map.of("SHOP_PROFILE", "production")).local()).isFalse();
        assertThatThrownBy(() -> Settings.of(Map.of("SHOP_PROFILE", "locla")).local())
                .hasMessage("SHOP_PROFILE must be local or production");
    }

    @Test
    void refusesAZeroOrOverlongDurationWhereOneMustPass() {
        Settings zero = Settings.of(Map.of("SHOP_T", "0s", "SHOP_HUGE", "99999999999999999999s"));
        assertThat(zero.duration("SHOP_T", Duration.ofSeconds(1))).isZero();
        assertThatThrownBy(() -> zero.positiveDuration("SHOP_T", Duration.ofSeconds(1)))
                .hasMessage("SHOP_T must be longer than 0");
        assertThat(zero.positiveDuration("SHOP_MISSING", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> zero.duration("SHOP_HUGE", Duration.ZERO))
                .hasMessage("SHOP_HUGE must be a duration such as 500ms, 3s, 2m or 1h");
    }

    @Test
    void takesAnAddressToListenOnAndRefusesAUrl() {
        for (String address : new String[] {"127.0.0.1", "0.0.0.0", "::", "::1", "order-service.shop.svc"}) {
            assertThat(Settings.of(Map.of("SHOP_BIND_ADDRESS", address)).address("SHOP_BIND_ADDRESS", "127.0.0.1"))
                    .isEqualTo(address);
        }
        for (String wrong : new String[] {"http://0.0.0.0", "0.0.0.0:8080", "my host"}) {
            assertThatThrownBy(() ->
                            Settings.of(Map.of("SHOP_BIND_ADDRESS", wrong)).address("SHOP_BIND_ADDRESS", "127.0.0.1"))
                    .as(wrong)
                    .hasMessageStartingWith("SHOP_BIND_ADDRESS must be an address to listen on");
        }
    }

    @Test
    void listsTheValuesOfAPrefix() {
        assertThat(Settings.of(Map.of("OTEL_A", " x ", "OTEL_B", " ", "SHOP_C", "y"))
                        .startingWith("OTEL_"))
                .containsExactly(Map.entry("OTEL_A", "x"));
    }
}
