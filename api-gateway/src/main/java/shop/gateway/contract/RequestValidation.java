package shop.gateway.contract;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
import shop.defaults.Problems;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;

/**
 * Checks a request against its operation in the contract before anything is passed on: its
 * parameters, its {@code Idempotency-Key} (sent once), its body's form (415: the media type, a
 * charset other than UTF-8, a {@code Content-Encoding} other than {@code identity}) and its body
 * (400 naming each field, never repeating a value). The body is only checked, never rewritten:
 * what passes goes on byte for byte, and the service behind reads it strictly again (duplicate
 * keys, {@code 1.0} for a whole number).
 */
public final class RequestValidation {

    /**
     * vertx-openapi's implementation, for its checks of one part at a time, which the public
     * {@code RequestValidator} does not offer: its {@code validate} takes a whole request and hands
     * it to a worker thread and back (an event-loop hop per request), while checking a
     * request this small against its schema takes microseconds, so it is done here, on the loop,
     * with a validator made once per schema ({@link CompiledSchemas}).
     */
    private final RequestValidatorImpl validator;

    private final SchemaRepository schemas;

    private static final String NOT_UTF_8 =
            "The request body must be JSON in UTF-8 (application/json, with no charset or charset=utf-8)";

    public RequestValidation(Vertx vertx, ApiContract contract) {
        OpenAPIContract compiled = CompiledSchemas.of(contract.openApi());
        this.validator = new RequestValidatorImpl(vertx, compiled);
        this.schemas = compiled.getSchemaRepository();
    }

    /** The handler that validates requests for {@code operation}; the body must have been read. */
    public Handler<RoutingContext> of(Operation operation) {
        return context -> {
            boolean checksBody = operation.getRequestBody() != null
                    && (operation.getRequestBody().isRequired() || bodySent(context));
            if (checksBody && !takesItsBody(context, operation)) {
                return;
            }
            for (Parameter parameter : operation.getParameters()) {
                // Two values for one would be read one way here and maybe the other way by a proxy or the service.
                if (parameter.getIn() == Location.HEADER && sentTwice(context, parameter.getName())) {
                    context.fail(new ProblemException(Problem.invalidField(parameter.getName(), "must be sent once")));
                    return;
                }
            }
            ValidatableRequest request = extract(context, operation);
            try {
                for (Parameter parameter : operation.getParameters()) {
                    check(parameter, valueOf(request, parameter));
                }
                if (checksBody) {
                    validator.validateBody(operation.getRequestBody(), request);
                }
            } catch (ValidatorException invalid) {
                context.fail(new ProblemException(InvalidRequests.problem(invalid, operation)));
                return;
            }
            context.next();
        };
    }

    /**
     * Whether the body is in the one form the API reads: the operation's media type, in UTF-8
     * (no other {@code charset}), not content-coded, and JSON text as RFC 8259 has it sent
     * ({@link StrictUtf8}). Fails the request (415 or 400) when it is not.
     */
    private static boolean takesItsBody(RoutingContext context, Operation operation) {
        String contentType = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (operation.getRequestBody().determineContentType(contentType) == null) {
            context.fail(new ProblemException(Problems.forStatus(415)));
            return false;
        }
        if (charset(context).filter(name -> !name.equalsIgnoreCase("utf-8")).isPresent()) {
            context.fail(new ProblemException(Problem.of(415, "unsupported-media-type", NOT_UTF_8)));
            return false;
        }
        for (String coding : context.request().headers().getAll(HttpHeaders.CONTENT_ENCODING)) {
            if (!"identity".equalsIgnoreCase(coding.strip())) {
                GatewayProblems.fail(context, new GatewayProblem.UnsupportedContentEncoding());
                return false;
            }
        }
        if (context.body().buffer() != null
                && !StrictUtf8.jsonText(context.body().buffer())) {
            context.fail(new ProblemException(Problem.invalid(
                    "The body is not JSON text in UTF-8 (no other encoding, no byte order mark, no raw control"
                            + " characters)",
                    List.of(new Problem.FieldError("(body)", "is not JSON text in UTF-8")))));
            return false;
        }
        return true;
    }

    /**
     * Whether a body came: an optional one that did not (no bytes, whatever {@code Content-Type}
     * a client put on nothing) is not checked.
     */
    private static boolean bodySent(RoutingContext context) {
        return context.body().buffer() != null && context.body().length() > 0;
    }

    private static boolean sentTwice(RoutingContext context, String header) {
        return context.request().headers().getAll(header).size() > 1;
    }

    /** The {@code charset} the {@code Content-Type} names, if it names one (in any case). */
    private static Optional<String> charset(RoutingContext context) {
        return context.parsedHeaders().contentType().parameters().entrySet().stream()
                .filter(parameter -> parameter.getKey().strip().equalsIgnoreCase("charset"))
                .map(parameter -> String.valueOf(parameter.getValue()).strip())
                .findFirst();
    }

    /**
     * Checks one parameter against its schema. A string is checked as sent: vertx-openapi's own
     * check reads a value as JSON first, which made {@code {"a":1}} an object, {@code 123} a
     * number and {@code a"b} undecodable, refusing keys the contract allows.
     */
    private void check(Parameter parameter, RequestParameter value) throws ValidatorException {
        if (parameter.getSchemaType() == SchemaType.STRING && value.get() instanceof String text) {
            OutputUnit result = schemas.validator(parameter.getSchema()).validate(text);
            try {
                result.checkValidity();
            } catch (JsonSchemaValidationException invalid) {
                throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, invalid);
            }
        } else {
            validator.validateParameter(parameter, value);
        }
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
