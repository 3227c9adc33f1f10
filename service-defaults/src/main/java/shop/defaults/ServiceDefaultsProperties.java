package shop.defaults;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits every Shop service applies to incoming requests.
 *
 * @param maxBodySize the largest request body
 * @param maxInFlight how many requests one instance works on at once (0: no limit); past it, 503
 */
@ConfigurationProperties("shop.http")
@Validated
public record ServiceDefaultsProperties(@NotNull @DefaultValue("16KB") DataSize maxBodySize,
        @Min(0) @DefaultValue("128") int maxInFlight) {
}
