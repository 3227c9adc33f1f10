package shop.orders.payment;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestClientException;
import shop.defaults.Money;
import shop.orders.payment.PaymentClient.ChargeRequest;
import shop.orders.payment.PaymentClient.PaymentTransaction;
import shop.orders.payment.PaymentClient.RefundRequest;

/**
 * Calls payment-service and says what its answer means. Every failure becomes an outcome or a
 * {@link PaymentsUnavailable} with context; nothing here retries, the caller decides.
 */
@Component
public class Payments {

    /** Reason given to a payment that can no longer be attempted. */
    public static final String METHOD_UNAVAILABLE = "payment_method_unavailable";

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    private final PaymentClient client;

    Payments(PaymentClient client) {
        this.client = client;
    }

    /**
     * Charges an order, keyed by its id. Without a payment method, only a charge that
     * payment-service already recorded can be found.
     */
    public ChargeOutcome charge(UUID orderId, Money amount, @Nullable String paymentMethod) {
        try {
            PaymentTransaction charge = client.charge(
                    new ChargeRequest(orderId, amount.amount(), amount.currency(), paymentMethod));
            return charge.success() ? new ChargeOutcome.Charged(charge)
                    : new ChargeOutcome.Declined(reasonOf(charge), charge);
        }
        catch (HttpStatusCodeException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.UNPROCESSABLE_CONTENT)) {
                return new ChargeOutcome.Declined(METHOD_UNAVAILABLE, null);
            }
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
    public PaymentTransaction refund(UUID orderId) {
        try {
            return client.refund(new RefundRequest(orderId));
        }
        catch (RestClientException e) {
            throw new PaymentsUnavailable("refund of order " + orderId, e);
        }
    }

    private static String reasonOf(PaymentTransaction declined) {
        return declined.declineReason() != null ? declined.declineReason() : "declined";
    }
}
