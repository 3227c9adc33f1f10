package shop.gateway.contract;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
import shop.defaults.Problems;

/**
 * Checks a request against its operation in the contract before anything is passed on: its
 * parameters, its {@code Idempotency-Key}, its body's media type (415) and its body (400 naming
 * each field, never repeating a value). The body is only checked, never rewritten: what passes
 * goes on byte for byte, and the service behind reads it strictly again (duplicate keys,
 * {@code 1.0} for a whole number).
 */
public final class RequestValidation {

    /**
     * The implementation, for its checks of one part at a time: its {@code validate} hands every
     * request to a worker thread and back (an event-loop hop per request), while checking a
     * request this small against its schema takes microseconds, so it is done here, on the loop,
     * with a validator made once per schema ({@link CompiledSchemas}).
     */
    private final RequestValidatorImpl validator;

    public RequestValidation(Vertx vertx, ApiContract contract) {
        this.validator = new RequestValidatorImpl(vertx, CompiledSchemas.of(contract.openApi()));
    }

    /** The handler that validates requests for {@code operation}; the body must have been read. */
    public Handler<RoutingContext> of(Operation operation) {
        return context -> {
            if (!takesItsMediaType(operation, context.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
                context.fail(new ProblemException(Problems.forStatus(415)));
                return;
            }
            if (operation.getRequestBody() != null
                    && context.body().buffer() != null
                    && !StrictUtf8.wellFormed(context.body().buffer())) {
                context.fail(new ProblemException(Problem.invalid(
                        "The body is not well-formed UTF-8",
                        List.of(new Problem.FieldError("(body)", "is not well-formed UTF-8")))));
                return;
            }
            ValidatableRequest request = extract(context, operation);
            try {
                for (Parameter parameter : operation.getParameters()) {
                    validator.validateParameter(parameter, valueOf(request, parameter));
                }
                if (operation.getRequestBody() != null) {
                    validator.validateBody(operation.getRequestBody(), request);
                }
            } catch (ValidatorException invalid) {
                context.fail(new ProblemException(InvalidRequests.problem(invalid, operation)));
                return;
            }
            context.next();
        };
    }

    private static RequestParameter valueOf(ValidatableRequest request, Parameter parameter) {
        Map<String, RequestParameter> values = switch (parameter.getIn()) {
            case HEADER -> request.getHeaders();
            case PATH -> request.getPathParameters();
            case QUERY -> request.getQuery();
            case COOKIE -> request.getCookies();
        };
        return values.getOrDefault(parameter.getName(), value(null));
    }

    /** Whether the operation takes no body, or one of the media type the request declares. */
    private static boolean takesItsMediaType(Operation operation, @Nullable String contentType) {
        return operation.getRequestBody() == null
                || operation.getRequestBody().determineContentType(contentType) != null;
    }

    /**
     * The request as the validator reads it. Header values are taken as sent: vertx-openapi's own
     * extractor URL-decodes them, which would refuse a valid key with a {@code +} and let
     * {@code %41} stand for {@code A}.
     */
    private static ValidatableRequest extract(RoutingContext context, Operation operation) {
        Map<String, RequestParameter> headers = new HashMap<>();
        Map<String, RequestParameter> path = new HashMap<>();
        Map<String, RequestParameter> query = new HashMap<>();
        for (Parameter parameter : operation.getParameters()) {
            String name = parameter.getName();
            switch (parameter.getIn()) {
                case HEADER -> headers.put(name, value(context.request().getHeader(name)));
                case PATH -> path.put(name, value(context.pathParam(name)));
                case QUERY -> {
                    List<String> values = context.queryParam(name);
                    query.put(name, value(values.isEmpty() ? null : values.getFirst()));
                }
                case COOKIE -> throw new IllegalStateException("The contract uses no cookies");
            }
        }
        Buffer body = operation.getRequestBody() == null ? null : context.body().buffer();
        return new Request(headers, path, query, value(body), context.request().getHeader(HttpHeaders.CONTENT_TYPE));
    }

    private static RequestParameter value(@Nullable Object value) {
        return () -> value;
    }

    private record Request(
            Map<String, RequestParameter> headers,
            Map<String, RequestParameter> path,
            Map<String, RequestParameter> query,
            RequestParameter body,
            @Nullable String contentType)
            implements ValidatableRequest {

        @Override
        public Map<String, RequestParameter> getCookies() {
            return Map.of();
        }

        @Override
        public Map<String, RequestParameter> getHeaders() {
            return headers;
        }

        @Override
        public Map<String, RequestParameter> getPathParameters() {
            return path;
        }

        @Override
        public Map<String, RequestParameter> getQuery() {
            return query;
        }

        @Override
        public RequestParameter getBody() {
            return body;
        }

        @Override
        public @Nullable String getContentType() {
            return contentType;
        }
    }
}
