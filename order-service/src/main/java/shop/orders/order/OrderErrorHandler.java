package shop.orders.order;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import shop.defaults.Problems;
import shop.orders.payment.PaymentsUnavailable;

/** Maps the order domain's exceptions to problem details. */
@RestControllerAdvice
class OrderErrorHandler {

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknownItem(UnknownItem e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "unknown-item", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> paymentMethodMissing(PaymentMethodMissing e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> totalTooLarge(TotalTooLarge e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> priceMismatch(PriceMismatch e) {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "price-mismatch", e.getMessage());
        problem.setProperty("catalogPrice", e.catalogPrice());
        return Problems.response(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> currencyMismatch(CurrencyMismatch e) {
        return Problems.response(HttpStatus.CONFLICT, "currency-mismatch", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> customerMismatch(CustomerMismatch e) {
        return Problems.response(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notFound(OrderNotFound e) {
        return Problems.response(HttpStatus.NOT_FOUND, "order-not-found", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notRefundable(OrderNotRefundable e) {
        return Problems.response(HttpStatus.CONFLICT, "order-not-refundable", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReused e) {
        return Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> paymentsUnavailable(PaymentsUnavailable e) {
        return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "payment-service-unavailable", e.getMessage());
    }
}
