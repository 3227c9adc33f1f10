package shop.defaults;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly, so that a client's mistake is a clear 400 rather than a guess:
 * no unknown fields, no duplicate keys, no {@code "1"} or {@code 1.5} where a whole number is
 * expected. Writes answers with exact decimals and ISO-8601 instants. The 400's detail never
 * repeats a value the client sent; an unknown field is named only when its name is a plain word.
 */
public final class StrictJson {

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(
                    LogicalType.Integer, config -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private StrictJson() {}

    /** The body as a {@code type}, or a {@link ProblemException} (400) that names what is wrong. */
    public static <T> T read(Buffer body, Class<T> type) {
        if (body == null || body.length() == 0) {
            throw new ProblemException(Problem.invalid("The request body is missing", List.of()));
        }
        try {
            return MAPPER.readValue(body.getBytes(), type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ProblemException refused) {
                throw refused;
            }
            throw invalid(
                    e,
                    e.getCause() instanceof IllegalArgumentException wrong && wrong.getMessage() != null
                            ? wrong.getMessage()
                            : "is not valid");
        } catch (UnrecognizedPropertyException e) {
            String name = e.getPropertyName();
            throw new ProblemException(Problem.invalid(
                    "The request body has a field this call does not take",
                    List.of(new Problem.FieldError(
                            PLAIN_WORD.matcher(name).matches() ? name : "(unknown)", "is not a known field"))));
        } catch (MismatchedInputException e) {
            throw invalid(e, e.getPath().isEmpty() ? "must be a JSON object" : "has the wrong type or form");
        } catch (JsonParseException e) {
            boolean duplicate =
                    e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            throw new ProblemException(Problem.invalid(
                    duplicate ? "The request body names a field twice" : "The request body is not valid JSON",
                    List.of()));
        } catch (IOException e) {
            throw new ProblemException(Problem.invalid("The request body is not valid JSON", List.of()));
        }
    }

    /** Refuses (415) a request whose body is not declared as JSON. */
    public static void requireJson(RoutingContext context) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw new ProblemException(Problems.forStatus(415));
        }
    }

    public static Buffer write(Object value) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The mapper behind both, for a service that needs a tree or a type this class does not offer. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ProblemException invalid(JsonMappingException e, String message) {
        String field = e.getPath().stream()
                .map(reference ->
                        reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."));
        return new ProblemException(Problem.invalid(
                "The request body is not valid",
                List.of(new Problem.FieldError(field.isEmpty() ? "(body)" : field, message))));
    }
}
