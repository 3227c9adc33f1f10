package shop.orders.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpClientErrorException;

@Configuration(proxyBeanMethods = false)
class PaymentBreakerConfiguration {

    /**
     * Counts only what says payment-service is unwell (no answer, timeouts, 5xx); a 4xx is an
     * answer about one request. Its state is exported as {@code resilience4j_circuitbreaker_state}.
     */
    @Bean
    CircuitBreaker paymentBreaker(PaymentBreakerProperties properties, MeterRegistry meters) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
            .failureRateThreshold(properties.failureRatePercent())
            .slidingWindowSize(properties.window())
            .minimumNumberOfCalls(properties.minimumCalls())
            .waitDurationInOpenState(properties.openFor())
            .permittedNumberOfCallsInHalfOpenState(properties.probes())
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .ignoreExceptions(HttpClientErrorException.class)
            .build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("payment-service");
    }
}
