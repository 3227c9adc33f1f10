package shop.payments.transaction;

import java.util.List;
import java.util.stream.Collectors;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/** The 400 for invalid fields, worded as the Spring version worded it: each field and what it must be. */
final class Requests {

    private Requests() {}

    static ProblemException invalid(List<Problem.FieldError> errors) {
        String detail = errors.stream()
                .map(error -> "'%s' %s".formatted(error.field(), error.message()))
                .sorted()
                .collect(Collectors.joining("; ", "Invalid request: ", ""));
        return new ProblemException(Problem.invalid(detail, errors));
    }
}
