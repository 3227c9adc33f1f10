package shop.defaults;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** Limits every Shop service applies to incoming requests. */
@ConfigurationProperties("shop.http")
@Validated
public record ServiceDefaultsProperties(@NotNull @DefaultValue("16KB") DataSize maxBodySize) {
}
