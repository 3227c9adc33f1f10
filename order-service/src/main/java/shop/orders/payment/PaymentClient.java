package shop.orders.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * payment-service's API. Its base URL and timeouts are the {@code payments} HTTP service group's
 * settings ({@code spring.http.serviceclient.payments.*}).
 */
@HttpExchange(accept = "application/json", contentType = "application/json")
public interface PaymentClient {

    /** @param authorization {@code Bearer} and an internal token from order-service, for the end user */
    @PostExchange("/charges")
    PaymentTransaction charge(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestBody ChargeRequest request);

    @PostExchange("/refunds")
    PaymentTransaction refund(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestBody RefundRequest request);

    /** The order id is payment-service's idempotency key. */
    record ChargeRequest(UUID orderId, BigDecimal amount, String currency, @Nullable String paymentMethod) {
    }

    record RefundRequest(UUID orderId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PaymentTransaction(UUID id, UUID orderId, String type, boolean success, BigDecimal amount, String currency,
            @Nullable String declineReason, @Nullable String cardBrand, @Nullable String cardLast4,
            Instant createdAt) {
    }
}
