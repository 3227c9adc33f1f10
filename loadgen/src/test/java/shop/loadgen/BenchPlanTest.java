package shop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark's steps from its three settings, and what it says of a wrong one. */
class BenchPlanTest {

    @Test
    void defaultsToAMinuteOfWarmUpAndFourRatesOfTwentySeconds() {
        BenchPlan plan = BenchPlan.fromEnvironment(Map.of());

        assertThat(plan.warmUp()).isEqualTo(Duration.ofSeconds(60));
        assertThat(plan.step()).isEqualTo(Duration.ofSeconds(20));
        assertThat(plan.rates()).containsExactly(250, 500, 750, 1000);
        assertThat(plan.toString())
                .isEqualTo("a 60 s warm-up at 32 clients, 250 500 750 1000 orders/s for 20 s each,"
                        + " 64 clients for 20 s: about 3 min");
    }

    @Test
    void takesItsSettingsAndAllowsNoWarmUp() {
        BenchPlan plan = BenchPlan.fromEnvironment(
                Map.of("SHOP_BENCH_WARMUP", "0", "SHOP_BENCH_STEP", "5", "SHOP_BENCH_RATES", " 20   40 "));

        assertThat(plan).isEqualTo(new BenchPlan(Duration.ZERO, Duration.ofSeconds(5), List.of(20, 40)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SHOP_BENCH_WARMUP | -1       | SHOP_BENCH_WARMUP must be whole seconds (it is -1)",
                "SHOP_BENCH_WARMUP | 1.5      | SHOP_BENCH_WARMUP must be whole seconds (it is 1.5)",
                "SHOP_BENCH_STEP   | 0        | SHOP_BENCH_STEP must be whole seconds, at least 1 (it is 0)",
                "SHOP_BENCH_STEP   | ten      | SHOP_BENCH_STEP must be whole seconds, at least 1 (it is ten)",
                "SHOP_BENCH_RATES  | 250,500  | SHOP_BENCH_RATES must be orders a second separated by spaces",
                "SHOP_BENCH_RATES  | 0 250    | SHOP_BENCH_RATES must be orders a second separated by spaces",
                "SHOP_BENCH_RATES  | 99999999 | SHOP_BENCH_RATES must be orders a second separated by spaces",
            })
    void refusesAWrongSettingNamingIt(String variable, String value, String message) {
        assertThatThrownBy(() -> BenchPlan.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
