package shop.gateway.routing;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the services behind the gateway live, and how long to wait for them.
 *
 * @param readTimeout longer than order-service's own deadline for a payment, so that a slow
 *     payment turns into order-service's 202, not into a gateway timeout
 */
@ConfigurationProperties("shop.gateway.downstreams")
@Validated
record Downstreams(@NotNull URI orderService, @NotNull URI paymentService,
        @NotNull @DefaultValue("1s") Duration connectTimeout, @NotNull @DefaultValue("5s") Duration readTimeout) {
}
