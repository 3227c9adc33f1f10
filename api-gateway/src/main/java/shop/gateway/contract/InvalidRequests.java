package shop.gateway.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;
import shop.defaults.Problem.FieldError;

/**
 * Turns the validator's findings into a 400 that names each field and says what a valid value
 * is, in words taken from the contract: the validator's own messages repeat the value sent
 * ({@code 99999 is greater than 100}, {@code Property "<script>" ...}), which an answer must not.
 * A schema may say what a valid value is in {@code x-invalid}, which is then the message.
 */
final class InvalidRequests {

    /** The parameter a message is about: its name is the contract's, never the client's. */
    private static final Pattern PARAMETER =
            Pattern.compile("(?:query|header|path|cookie) parameter (\\S+?)\\.?(?:\\s|$)");

    private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"([^\"]+)\"");
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    /** Keywords that only say that something inside them failed; the inner failure says what. */
    private static final Set<String> CONTAINERS = Set.of(
            "properties",
            "$ref",
            "$dynamicRef",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
            "if",
            "then",
            "else",
            "items",
            "prefixItems",
            "contains",
            "dependentSchemas",
            "unevaluatedProperties",
            "unevaluatedItems",
            "patternProperties",
            "propertyNames");

    private static final String BODY = "(body)";

    private InvalidRequests() {}

    static Problem problem(ValidatorException invalid, Operation operation) {
        Optional<Parameter> parameter = parameterOf(invalid, operation);
        List<FieldError> errors;
        if (parameter.isPresent()) {
            errors = List.of(new FieldError(parameter.get().getName(), parameterMessage(invalid, parameter.get())));
        } else if (invalid instanceof SchemaValidationException schema) {
            errors = bodyErrors(schema.getOutputUnit(), bodySchema(operation));
        } else if (invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
            errors = List.of(new FieldError(BODY, "is required"));
        } else {
            errors = List.of(new FieldError(BODY, "is not valid JSON"));
        }
        String detail = errors.stream()
                .map(error -> "'%s' %s".formatted(error.field(), error.message()))
                .sorted()
                .collect(Collectors.joining("; "));
        return Problem.invalid("Invalid request: " + detail, errors);
    }

    private static Optional<Parameter> parameterOf(ValidatorException invalid, Operation operation) {
        Matcher named = PARAMETER.matcher(String.valueOf(invalid.getMessage()));
        if (!named.find()) {
            return Optional.empty();
        }
        return operation.getParameters().stream()
                .filter(parameter -> parameter.getName().equals(named.group(1)))
                .findFirst();
    }

    private static String parameterMessage(ValidatorException invalid, Parameter parameter) {
        JsonObject schema = json(parameter.getSchema());
        if (invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
            return "is required";
        }
        if (invalid instanceof SchemaValidationException failed) {
            for (OutputUnit unit : units(failed.getOutputUnit())) {
                String keyword = keyword(unit);
                if (!CONTAINERS.contains(keyword)) {
                    return describe(keyword, schemaAt(schema, unit));
                }
            }
        }
        return schema.getString("x-invalid", "is not valid");
    }

    private static List<FieldError> bodyErrors(OutputUnit result, JsonObject schema) {
        Map<String, String> byField = new LinkedHashMap<>();
        for (OutputUnit unit : units(result)) {
            String keyword = keyword(unit);
            if (CONTAINERS.contains(keyword)) {
                continue;
            }
            JsonObject at = schemaAt(schema, unit);
            List<String> location = pointer(unit.getInstanceLocation());
            switch (keyword) {
                case "required" -> {
                    Matcher property = REQUIRED_PROPERTY.matcher(String.valueOf(unit.getError()));
                    JsonArray required = at.getJsonArray("required", new JsonArray());
                    if (property.find() && required.contains(property.group(1))) {
                        byField.putIfAbsent(field(location, property.group(1)), "is required");
                    }
                }
                case "additionalProperties" -> {
                    String name = location.isEmpty() ? "" : location.getLast();
                    // The validator also reports a declared property here when its value is invalid.
                    if (!at.getJsonObject("properties", new JsonObject()).containsKey(name)) {
                        byField.putIfAbsent(
                                PLAIN_WORD.matcher(name).matches()
                                        ? field(location.subList(0, location.size() - 1), name)
                                        : "(unknown)",
                                "is not a known field");
                    }
                }
                default ->
                    byField.putIfAbsent(location.isEmpty() ? BODY : String.join(".", location), describe(keyword, at));
            }
        }
        if (byField.isEmpty()) {
            byField.put(BODY, "is not valid");
        }
        List<FieldError> errors = new ArrayList<>();
        byField.forEach((field, message) -> errors.add(new FieldError(field, message)));
        return errors;
    }

    /** What a valid value is, from the schema that refused one. */
    private static String describe(String keyword, JsonObject schema) {
        String invalid = schema.getString("x-invalid");
        if (invalid != null) {
            return invalid;
        }
        return switch (keyword) {
            case "type" -> "must be " + typeName(schema.getValue("type"));
            case "enum" ->
                "must be one of "
                        + schema.getJsonArray("enum").stream()
                                .map(String::valueOf)
                                .collect(Collectors.joining(", "));
            case "const" -> "must be " + schema.getValue("const");
            case "minimum" -> "must be greater than or equal to " + number(schema.getValue("minimum"));
            case "maximum" -> "must be less than or equal to " + number(schema.getValue("maximum"));
            case "exclusiveMinimum" -> "must be greater than " + number(schema.getValue("exclusiveMinimum"));
            case "exclusiveMaximum" -> "must be less than " + number(schema.getValue("exclusiveMaximum"));
            case "minLength", "maxLength" -> length(schema);
            case "format" -> "must be a " + schema.getString("format");
            case "pattern" -> "does not have the expected form";
            default -> "is not valid";
        };
    }

    private static String typeName(@Nullable Object type) {
        String name = type instanceof JsonArray types
                ? types.stream()
                        .map(String::valueOf)
                        .filter(t -> !t.equals("null"))
                        .findFirst()
                        .orElse("null")
                : String.valueOf(type);
        return switch (name) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "string" -> "text";
            case "boolean" -> "true or false";
            case "object" -> "a JSON object";
            case "array" -> "a JSON array";
            default -> name;
        };
    }

    private static String length(JsonObject schema) {
        Object min = schema.getValue("minLength");
        Object max = schema.getValue("maxLength");
        if (min != null && max != null) {
            return "must be %s to %s characters long".formatted(number(min), number(max));
        }
        return max != null
                ? "must be at most %s characters long".formatted(number(max))
                : "must be at least %s characters long".formatted(number(min));
    }

    private static String number(@Nullable Object value) {
        return value instanceof Double || value instanceof Float
                ? BigDecimal.valueOf(((Number) value).doubleValue())
                        .stripTrailingZeros()
                        .toPlainString()
                : String.valueOf(value);
    }

    /** The schema holding the keyword that failed: its location, less the keyword, from the root schema. */
    private static JsonObject schemaAt(JsonObject root, OutputUnit unit) {
        List<String> path = pointer(unit.getKeywordLocation());
        JsonObject schema = root;
        for (String step : path.subList(0, Math.max(0, path.size() - 1))) {
            Object next = schema.getValue(step);
            if (!(next instanceof JsonObject inner)) {
                return new JsonObject();
            }
            schema = inner;
        }
        return schema;
    }

    private static String keyword(OutputUnit unit) {
        List<String> path = pointer(unit.getKeywordLocation());
        return path.isEmpty() ? "" : path.getLast();
    }

    /** {@code #/a/b~1c} as its steps. */
    private static List<String> pointer(@Nullable String location) {
        if (location == null) {
            return List.of();
        }
        String pointer = location.startsWith("#") ? location.substring(1) : location;
        List<String> steps = new ArrayList<>();
        for (String step : pointer.split("/")) {
            if (!step.isEmpty()) {
                steps.add(step.replace("~1", "/").replace("~0", "~"));
            }
        }
        return steps;
    }

    private static String field(List<String> parents, String name) {
        return parents.isEmpty() ? name : String.join(".", parents) + "." + name;
    }

    private static List<OutputUnit> units(OutputUnit result) {
        return result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    }

    private static JsonObject bodySchema(Operation operation) {
        if (operation.getRequestBody() == null) {
            return new JsonObject();
        }
        return operation.getRequestBody().getContent().values().stream()
                .map(MediaType::getSchema)
                .filter(schema -> schema != null)
                .map(InvalidRequests::json)
                .findFirst()
                .orElseGet(JsonObject::new);
    }

    private static JsonObject json(@Nullable JsonSchema schema) {
        if (schema == null) {
            return new JsonObject();
        }
        JsonObject json = new JsonObject();
        schema.fieldNames().forEach(name -> json.put(name, schema.<Object>get(name)));
        return json;
    }
}
