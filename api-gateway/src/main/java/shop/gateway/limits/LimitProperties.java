package shop.gateway.limits;

import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param rateLimit requests per second per caller, bursts up to twice that; 0 turns limiting
 *     off (as benchmarks need). Set by {@code SHOP_RATE_LIMIT}.
 * @param corsAllowedOrigins the web origins whose pages may call the API from a browser; none
 *     by default, so cross-origin calls are refused
 */
@ConfigurationProperties("shop.gateway")
@Validated
record LimitProperties(@Min(0) @DefaultValue("50") int rateLimit,
        @NotNull @DefaultValue List<String> corsAllowedOrigins) {
}
