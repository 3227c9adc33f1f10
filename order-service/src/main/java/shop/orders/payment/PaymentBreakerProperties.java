package shop.orders.payment;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The circuit breaker in front of payment-service: once {@code failureRatePercent} of the last
 * {@code window} calls failed (at least {@code minimumCalls}), calls fail at once for
 * {@code openFor}, then {@code probes} calls test whether payment-service is back.
 */
@ConfigurationProperties("shop.orders.payments.breaker")
@Validated
record PaymentBreakerProperties(@Min(1) @Max(100) @DefaultValue("50") int failureRatePercent,
        @Min(1) @DefaultValue("20") int window, @Min(1) @DefaultValue("10") int minimumCalls,
        @NotNull @DefaultValue("5s") Duration openFor, @Min(1) @DefaultValue("3") int probes) {
}
