package shop.payments.transaction;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import shop.defaults.Problems;

/** Maps the payment domain's exceptions to problem details. */
@RestControllerAdvice
class PaymentErrorHandler {

    @ExceptionHandler
    ResponseEntity<ProblemDetail> conflict(ChargeConflict e) {
        return Problems.response(HttpStatus.CONFLICT, "charge-conflict", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> nothingToRefund(NothingToRefund e) {
        return Problems.response(HttpStatus.CONFLICT, "nothing-to-refund", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> methodRequired(PaymentMethodRequired e) {
        return Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "payment-method-required", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(ProcessorUnavailable e) {
        var problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "processor-unavailable", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
            .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> adminOnly(AdminOnly e) {
        return Problems.response(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> wrongAmount(ArithmeticException e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                "'amount' has more decimals than the currency allows");
    }
}
