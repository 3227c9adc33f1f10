package shop.orders.payment;

import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestClientException;
import shop.defaults.Caller;
import shop.defaults.InternalTokens;
import shop.defaults.Money;
import shop.defaults.Role;
import shop.orders.payment.PaymentClient.ChargeRequest;
import shop.orders.payment.PaymentClient.PaymentTransaction;
import shop.orders.payment.PaymentClient.RefundRequest;

/**
 * Calls payment-service, through a circuit breaker, and says what its answer means. Every
 * failure becomes an outcome or a {@link PaymentsUnavailable} with context; nothing here
 * retries: the caller decides (the recovery job, with backoff).
 */
@Component
public class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    private static final String PAYMENT_SERVICE = "payment-service";

    private final PaymentClient client;
    private final CircuitBreaker breaker;
    private final InternalTokens tokens;

    Payments(PaymentClient client, CircuitBreaker paymentBreaker, InternalTokens tokens) {
        this.client = client;
        this.breaker = paymentBreaker;
        this.tokens = tokens;
    }

    /**
     * Charges an order, keyed by its id. Without a payment method, payment-service can only
     * finish a charge it has already claimed, and declines one it has never seen.
     */
    public ChargeOutcome charge(UUID orderId, String customer, Money amount, @Nullable String paymentMethod) {
        var request = new ChargeRequest(orderId, amount.amount(), amount.currency(), paymentMethod);
        try {
            PaymentTransaction charge = breaker.executeSupplier(() -> client.charge(bearer(customer), request));
            return charge.success() ? new ChargeOutcome.Charged(charge)
                    : new ChargeOutcome.Declined(reasonOf(charge), charge);
        }
        catch (CallNotPermittedException open) {
            return new ChargeOutcome.Unknown("payment-service circuit open");
        }
        catch (HttpStatusCodeException e) {
            if (e.getStatusCode().is4xxClientError()) {
                // A request payment-service refuses is a bug on this side: keep the order pending and say so.
                log.error("payment-service refused the charge of order {}: {}", orderId, e.getResponseBodyAsString());
            }
            return new ChargeOutcome.Unknown("payment-service answered " + e.getStatusCode().value());
        }
        catch (RestClientException e) {
            return new ChargeOutcome.Unknown("payment-service unreachable: " + e.getMessage());
        }
    }

    /** Refunds an order's whole charge, keyed by its id. */
    public PaymentTransaction refund(UUID orderId, String customer) {
        try {
            return breaker.executeSupplier(() -> client.refund(bearer(customer), new RefundRequest(orderId)));
        }
        catch (CallNotPermittedException | RestClientException e) {
            throw new PaymentsUnavailable("refund of order " + orderId, e);
        }
    }

    private String bearer(String customer) {
        return "Bearer " + tokens.issue(PAYMENT_SERVICE, new Caller(customer, Role.CUSTOMER));
    }

    private static String reasonOf(PaymentTransaction declined) {
        return declined.declineReason() != null ? declined.declineReason() : "declined";
    }
}
