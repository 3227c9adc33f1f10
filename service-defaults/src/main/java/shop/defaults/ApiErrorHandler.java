package shop.defaults;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every error that is not a service's own into an RFC 9457 problem: the framework's
 * (bad JSON, wrong method, unknown route...) with a stable type and a detail that names the
 * field, and anything unexpected into a 500 that carries no stack trace. Services map their
 * domain exceptions in their own advice, which runs first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiErrorHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    @ExceptionHandler(CallerMissing.class)
    ResponseEntity<ProblemDetail> callerMissing(CallerMissing e) {
        return Problems.response(HttpStatus.UNAUTHORIZED, "unauthenticated", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                "Parameter '%s' has an invalid value".formatted(e.getName()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return Problems.response(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "The server could not complete the request");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
            .map(error -> new FieldProblem(error.getField(), messageOf(error)))
            .toList();
        return handleExceptionInternal(e, invalid(errors), headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Constraints on a controller's parameters, and on its request body when it has both. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors body) {
                body.getFieldErrors().forEach(error -> errors.add(new FieldProblem(error.getField(), messageOf(error))));
            }
            else {
                String name = parameterName(result);
                result.getResolvableErrors().forEach(error -> errors.add(new FieldProblem(name,
                        error.getDefaultMessage() != null ? error.getDefaultMessage() : "is invalid")));
            }
        }
        return handleExceptionInternal(e, invalid(errors), headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.BodyTooLarge tooLarge) {
                ProblemDetail problem = Problems.of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                        tooLarge.getMessage());
                return handleExceptionInternal(e, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
            }
        }
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", unreadableDetail(e));
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Gives the framework's own problems a stable type and always the problem media type. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail given ? given
                : e instanceof ErrorResponse framework ? framework.getBody()
                : Problems.of(status, Problems.slugFor(status), "The request could not be handled");
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            ProblemDetail typed = Problems.of(status, Problems.slugFor(status), problem.getDetail());
            problem.setType(typed.getType());
        }
        HttpHeaders responseHeaders = new HttpHeaders();
        responseHeaders.addAll(headers);
        responseHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(status).headers(responseHeaders).body(problem);
    }

    /** One invalid field or parameter, named as the client sent it. */
    record FieldProblem(String field, String message) {
    }

    private static ProblemDetail invalid(List<FieldProblem> errors) {
        String detail = errors.stream()
            .map(error -> "'%s' %s".formatted(error.field(), error.message()))
            .sorted()
            .collect(Collectors.joining("; "));
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request: " + detail);
        problem.setProperty("errors", errors);
        return problem;
    }

    private static String parameterName(ParameterValidationResult result) {
        var header = result.getMethodParameter().getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        var param = result.getMethodParameter().getParameterAnnotation(RequestParam.class);
        if (param != null && !param.name().isEmpty()) {
            return param.name();
        }
        String name = result.getMethodParameter().getParameterName();
        return name != null ? name : "parameter";
    }

    private static String messageOf(FieldError error) {
        return error.getDefaultMessage() != null ? error.getDefaultMessage() : "is invalid";
    }

    /**
     * Says what was wrong with a body without echoing it: field names only when they are plain
     * words, and a position instead of the parser's own message, which quotes the input.
     */
    private static String unreadableDetail(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof JacksonException)) {
            cause = cause.getCause();
        }
        if (!(cause instanceof JacksonException json)) {
            return "The request body is missing or is not JSON";
        }
        if (json instanceof UnrecognizedPropertyException unknown) {
            return plainName(unknown.getPropertyName()) ? "Unknown field '%s'".formatted(unknown.getPropertyName())
                    : "Unknown field";
        }
        String field = json.getPath().stream()
            .map(reference -> reference.getPropertyName() != null ? reference.getPropertyName()
                    : "[" + reference.getIndex() + "]")
            .collect(Collectors.joining("."));
        if (!plainName(field.replaceAll("\\[\\d+]", "").replace(".", "_"))) {
            field = "";
        }
        if (json instanceof StreamReadException) {
            var where = json.getLocation();
            String position = where == null ? "" : " at line %d, column %d".formatted(where.getLineNr(),
                    where.getColumnNr());
            return field.isEmpty() ? "Malformed JSON" + position : "Malformed JSON at field '%s'".formatted(field);
        }
        return field.isEmpty() ? "The request body does not have the expected shape"
                : "Field '%s' has the wrong type or format".formatted(field);
    }

    private static boolean plainName(String name) {
        return name != null && name.matches("[A-Za-z0-9_]{1,64}");
    }
}
