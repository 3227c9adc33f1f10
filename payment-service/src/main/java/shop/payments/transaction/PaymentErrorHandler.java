package shop.payments.transaction;

import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import shop.defaults.DomainProblems;
import shop.defaults.Problems;

/** Maps the payment domain's exceptions to problem details. */
@RestControllerAdvice
class PaymentErrorHandler {

    private static final DomainProblems PROBLEMS = new DomainProblems()
        .add(ChargeConflict.class, CONFLICT, "charge-conflict")
        .add(NothingToRefund.class, CONFLICT, "nothing-to-refund")
        .add(AdminOnly.class, FORBIDDEN, "forbidden")
        .add(NotOrderService.class, FORBIDDEN, "forbidden")
        .add(ProcessorUnavailable.class, SERVICE_UNAVAILABLE, "processor-unavailable");

    @ExceptionHandler({ ChargeConflict.class, NothingToRefund.class, AdminOnly.class, NotOrderService.class })
    ResponseEntity<ProblemDetail> domainProblem(RuntimeException e) {
        return PROBLEMS.answer(e);
    }

    /** The processor's failure is temporary: say when to come back. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> processorUnavailable(ProcessorUnavailable e) {
        return ResponseEntity.status(SERVICE_UNAVAILABLE).header("Retry-After", "1")
            .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(PROBLEMS.problemFor(e));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> fractionOfACent(ArithmeticException e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                "'amount' has more decimals than the currency allows");
    }
}
