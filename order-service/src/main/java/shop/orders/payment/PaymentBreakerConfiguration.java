package shop.orders.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

@Configuration(proxyBeanMethods = false)
class PaymentBreakerConfiguration {

    /**
     * Counts only what says payment-service is unwell: no answer, a timeout, a 5xx other than the
     * processor's temporary refusal of one charge (that is an answer about one order, as a 4xx is).
     * Its state is exported as {@code resilience4j_circuitbreaker_state}.
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
            .recordException(PaymentBreakerConfiguration::meansPaymentServiceIsUnwell)
            .build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("payment-service");
    }

    private static boolean meansPaymentServiceIsUnwell(Throwable e) {
        if (e instanceof HttpServerErrorException answered) {
            return !answered.getResponseBodyAsString().contains("urn:shop:problem:processor-unavailable");
        }
        return e instanceof ResourceAccessException;
    }
}
