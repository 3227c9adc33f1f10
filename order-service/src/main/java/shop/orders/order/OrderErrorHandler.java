package shop.orders.order;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;
import static org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import shop.defaults.DomainProblems;
import shop.defaults.Problems;
import shop.orders.payment.PaymentsUnavailable;

/** Maps the order domain's exceptions to problem details. */
@RestControllerAdvice
class OrderErrorHandler {

    private static final DomainProblems PROBLEMS = new DomainProblems()
        .add(UnknownItem.class, BAD_REQUEST, "unknown-item")
        .add(PaymentMethodMissing.class, BAD_REQUEST, "invalid-request")
        .add(TotalTooLarge.class, BAD_REQUEST, "invalid-request")
        .add(CustomerMismatch.class, FORBIDDEN, "forbidden")
        .add(AdminOnly.class, FORBIDDEN, "forbidden")
        .add(OrderNotFound.class, NOT_FOUND, "order-not-found")
        .add(CurrencyMismatch.class, CONFLICT, "currency-mismatch")
        .add(OrderNotRefundable.class, CONFLICT, "order-not-refundable")
        .add(IdempotencyKeyReused.class, UNPROCESSABLE_CONTENT, "idempotency-key-reused")
        .add(PaymentsUnavailable.class, SERVICE_UNAVAILABLE, "payment-service-unavailable")
        .add(PriceMismatch.class, CONFLICT, "price-mismatch");

    @ExceptionHandler({ UnknownItem.class, PaymentMethodMissing.class, TotalTooLarge.class, CustomerMismatch.class,
            AdminOnly.class, OrderNotFound.class, CurrencyMismatch.class, OrderNotRefundable.class, IdempotencyKeyReused.class,
            PaymentsUnavailable.class })
    ResponseEntity<ProblemDetail> domainProblem(RuntimeException e) {
        return PROBLEMS.answer(e);
    }

    /** Tells the client the price it would be charged. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> priceMismatch(PriceMismatch e) {
        ProblemDetail problem = PROBLEMS.problemFor(e);
        problem.setProperty("catalogPrice", e.catalogPrice());
        return Problems.response(problem);
    }
}
