package shop.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks an answer of the public API against the contract ({@code api/openapi.yaml}): that its
 * status is one the operation documents, and that its headers, media type and body are what the
 * contract says for that status (vertx-openapi's {@link ResponseValidator}). An answer to a path
 * or method the contract does not have must be a problem (404, 405). Health, metrics,
 * {@code /openapi.yaml}, {@code /docs} and CORS preflights ({@code OPTIONS}) are outside the
 * contract and not checked.
 *
 * <p>Self-contained (vertx-openapi, SnakeYAML, JUnit-free), so that other suites can use it on every
 * answer they receive: {@code try (var contract = ContractChecker.load(path)) { contract.check(response); }}.
 * A failed check is an {@link AssertionError} that says what differs (never the whole body).
 */
public final class ContractChecker implements AutoCloseable {

    /** Refusals of the HTTP server itself, before any route: a problem, whatever the path. */
    private static final Set<Integer> PROTOCOL_REFUSALS = Set.of(400, 408, 413, 414, 431);

    /** See {@code ApiContract}: vertx-openapi 5.0 knows {@code application/problem+json} only under a vendor name. */
    private static final String PROBLEM_JSON = "application/problem+json";

    private static final String PROBLEM_JSON_ALIAS = "application/vnd.shop.problem+json";

    private final Vertx vertx;
    private final OpenAPIContract contract;
    private final ResponseValidator validator;
    private final JsonObject problemSchema;

    private ContractChecker(Vertx vertx, OpenAPIContract contract) {
        this.vertx = vertx;
        this.contract = contract;
        this.validator = ResponseValidator.create(vertx, contract);
        this.problemSchema = contract.getRawContract()
                .getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject("Problem");
    }

    /** The contract as the gateway's jar carries it (on the classpath as {@code api/openapi.yaml}). */
    public static ContractChecker load() {
        try (InputStream in = ContractChecker.class.getClassLoader().getResourceAsStream("api/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.yaml is not on the classpath");
            }
            return load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contract from a file, e.g. {@code api/openapi.yaml} of the repository. */
    public static ContractChecker load(Path openApiYaml) {
        try {
            return load(Files.readString(openApiYaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ContractChecker load(String yaml) {
        Vertx vertx = Vertx.vertx();
        try {
            Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            // Validated against the OpenAPI 3.1 schema on the way: an invalid contract fails here.
            OpenAPIContract contract = OpenAPIContract.from(vertx, (JsonObject) alias(new JsonObject(document)))
                    .await();
            return new ContractChecker(vertx, contract);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** The contract, for tests that look at it as a whole. */
    public OpenAPIContract contract() {
        return contract;
    }

    /** Checks an answer received with the JDK's HTTP client. */
    public void check(HttpResponse<String> response) {
        check(
                response.request().method(),
                response.request().uri(),
                response.statusCode(),
                response.headers().map(),
                response.body());
    }

    /**
     * Checks one answer.
     *
     * @param uri the request's URI (only its path is used)
     * @param headers the answer's headers, any case
     */
    public void check(String method, URI uri, int status, Map<String, List<String>> headers, String body) {
        String path = uri.getRawPath();
        if (path.startsWith("/actuator/")
                || path.equals("/openapi.yaml")
                || path.equals("/docs")
                || path.startsWith("/docs/")) {
            return;
        }
        String what = method + " " + path + " -> " + status;
        Map<String, String> single = new HashMap<>();
        headers.forEach((name, values) -> {
            if (!values.isEmpty()) {
                single.put(name.toLowerCase(Locale.ROOT), values.getFirst());
            }
        });
        String contentType = single.get("content-type");
        Operation operation = contract.findOperation(path, HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
        if (operation == null || (PROTOCOL_REFUSALS.contains(status) && operation.getResponse(status) == null)) {
            checkProblem(what, status, contentType, body);
            return;
        }
        Response documented = operation.getResponse(status);
        if (documented == null) {
            throw new AssertionError(what
                    + ": status %d is not in the contract for %s (it documents %s)"
                            .formatted(status, operation.getOperationId(), documentedStatuses(operation)));
        }
        Map<String, String> relevant = new HashMap<>();
        for (Parameter header : documented.getHeaders()) {
            String value = single.get(header.getName().toLowerCase(Locale.ROOT));
            if (value != null) {
                relevant.put(header.getName(), value);
            }
        }
        String mediaType = mediaType(contentType);
        ValidatableResponse answer = body.isEmpty()
                ? ValidatableResponse.create(status, relevant)
                : ValidatableResponse.create(status, relevant, Buffer.buffer(body), mediaType);
        try {
            validator.validate(answer, operation.getOperationId()).await();
        } catch (RuntimeException e) {
            throw new AssertionError(what + " (" + contentType + ") does not match the contract: " + reason(e), e);
        }
        if (mediaType.equals(PROBLEM_JSON_ALIAS)) {
            checkProblemStatus(what, status, body);
        }
    }

    private void checkProblem(String what, int status, String contentType, String body) {
        if (status < 400) {
            throw new AssertionError(what + ": the contract has no such operation, and the answer is no refusal");
        }
        if (!PROBLEM_JSON_ALIAS.equals(mediaType(contentType))) {
            throw new AssertionError(what + ": a refusal must be application/problem+json, not " + contentType);
        }
        OutputUnit result = contract.getSchemaRepository()
                .validator(JsonSchema.of(problemSchema))
                .validate(json(what, body));
        if (!result.getValid()) {
            throw new AssertionError(what + ": not a problem as the contract defines it: " + errors(result));
        }
        checkProblemStatus(what, status, body);
    }

    private static void checkProblemStatus(String what, int status, String body) {
        Object problemStatus = json(what, body) instanceof JsonObject problem ? problem.getValue("status") : null;
        if (!(problemStatus instanceof Number number) || number.intValue() != status) {
            throw new AssertionError(what + ": the problem's status is " + problemStatus);
        }
    }

    private static Object json(String what, String body) {
        try {
            return new JsonObject(body);
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": the body is not a JSON object");
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals(PROBLEM_JSON) ? PROBLEM_JSON_ALIAS : type;
    }

    private static String documentedStatuses(Operation operation) {
        return operation.getOpenAPIModel().getJsonObject("responses").fieldNames().stream()
                .sorted()
                .collect(Collectors.joining(", "));
    }

    private static String reason(Throwable e) {
        if (e instanceof SchemaValidationException invalid) {
            return invalid.getMessage() + " " + errors(invalid.getOutputUnit());
        }
        return String.valueOf(e.getMessage());
    }

    private static String errors(OutputUnit result) {
        List<OutputUnit> units = result.getErrors() == null ? List.of() : result.getErrors();
        return units.stream()
                .map(unit -> unit.getInstanceLocation() + " " + unit.getKeywordLocation() + ": " + unit.getError())
                .collect(Collectors.joining("; ", "[", "]"));
    }

    private static Object alias(Object node) {
        if (node instanceof JsonObject object) {
            JsonObject copy = new JsonObject();
            object.forEach(entry -> copy.put(
                    PROBLEM_JSON.equals(entry.getKey()) ? PROBLEM_JSON_ALIAS : entry.getKey(),
                    alias(entry.getValue())));
            return copy;
        }
        if (node instanceof JsonArray array) {
            JsonArray copy = new JsonArray();
            array.forEach(value -> copy.add(alias(value)));
            return copy;
        }
        return node;
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
