package shop.gateway.contract;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The public API's contract, {@code api/openapi.yaml}, as the jar carries it: the source the
 * router is built from and the file served at {@code /openapi.yaml}.
 *
 * @param openApi the contract, resolved, for routing and validation
 * @param yaml the file as written, to serve
 */
public record ApiContract(OpenAPIContract openApi, Buffer yaml) {

    static final String RESOURCE = "api/openapi.yaml";

    /**
     * vertx-openapi 5.0 accepts only a few JSON media types in a contract and refuses the one
     * every error here is answered with, {@code application/problem+json} (RFC 9457). The
     * library is handed the same contract with that media type under a vendor name it accepts;
     * the file itself, and what the gateway serves, say what is on the wire.
     */
    static final String PROBLEM_JSON = "application/problem+json";

    static final String PROBLEM_JSON_ALIAS = "application/vnd.shop.problem+json";

    /** The file, and the document vertx-openapi reads. */
    public record Source(Buffer yaml, JsonObject document) {}

    /**
     * Reads the file from the jar and parses it. Cold, this is mostly class loading (the YAML
     * parser, Vert.x's JSON codec): a service starting reads it on a thread of its own while its
     * runtime starts.
     */
    public static Source read() {
        Buffer yaml = resource();
        JsonObject document = forVertxOpenApi(yaml);
        // vertx-openapi decodes its meta-schemas with Vert.x's JSON codec: initialize it here too.
        new JsonObject("{}");
        return new Source(yaml, document);
    }

    /** Resolves the contract; fails if it is not a valid OpenAPI 3.1 document. */
    public static Future<ApiContract> load(Vertx vertx, Source source) {
        return OpenAPIContract.from(vertx, source.document()).map(openApi -> new ApiContract(openApi, source.yaml()));
    }

    private static Buffer resource() {
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject forVertxOpenApi(Buffer yaml) {
        Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString());
        return (JsonObject) aliasProblemJson(new JsonObject(document));
    }

    private static Object aliasProblemJson(Object node) {
        if (node instanceof Map<?, ?> map) {
            node = new JsonObject(uncheckedMap(map));
        } else if (node instanceof List<?> list) {
            node = new JsonArray(list);
        }
        if (node instanceof JsonObject object) {
            JsonObject copy = new JsonObject();
            object.forEach(entry -> copy.put(
                    PROBLEM_JSON.equals(entry.getKey()) ? PROBLEM_JSON_ALIAS : entry.getKey(),
                    aliasProblemJson(entry.getValue())));
            return copy;
        }
        if (node instanceof JsonArray array) {
            JsonArray copy = new JsonArray();
            array.forEach(value -> copy.add(aliasProblemJson(value)));
            return copy;
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> uncheckedMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
