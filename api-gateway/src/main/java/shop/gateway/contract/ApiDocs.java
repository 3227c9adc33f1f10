package shop.gateway.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The contract for people and programs: the file at {@code /openapi.yaml}, and Swagger UI at
 * {@code /docs}, from its WebJar in the jar (nothing from a CDN). Public, like the catalog.
 */
public final class ApiDocs {

    /** The docs page loads its own scripts and styles, from this server only; every other answer loads nothing. */
    static final String DOCS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /** The files of Swagger UI the page uses, and their media types. */
    private static final Map<String, String> SWAGGER_UI_FILES = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png");

    /** Where the WebJar keeps Swagger UI's files in the jar. */
    private final String swaggerUi;

    private ApiDocs(String swaggerUi) {
        this.swaggerUi = swaggerUi;
    }

    /** The docs of the Swagger UI the jar holds (it reads the jar: not on an event loop). */
    public static ApiDocs fromJar() {
        return new ApiDocs("META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/");
    }

    /** Adds {@code GET /openapi.yaml}, {@code GET /docs} and the page's files to {@code router}. */
    public void mount(Router router, ApiContract contract) {
        router.get("/openapi.yaml")
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                        .end(contract.yaml()));
        router.get("/docs").handler(context -> serve(context, "docs/index.html", "text/html; charset=utf-8", true));
        router.get("/docs/shop-docs.js")
                .handler(context -> serve(context, "docs/shop-docs.js", "text/javascript; charset=utf-8", false));
        SWAGGER_UI_FILES.forEach((file, type) ->
                router.get("/docs/" + file).handler(context -> serve(context, swaggerUi + file, type, false)));
    }

    /** Reads the file from the jar on a worker thread each time: the docs are seldom read, and 2 MB of script need not live on the heap. */
    private static void serve(RoutingContext context, String resource, String type, boolean page) {
        context.vertx().executeBlocking(() -> read(resource)).onComplete(read -> {
            if (read.failed()) {
                context.fail(read.cause());
                return;
            }
            var response = context.response().putHeader(HttpHeaders.CONTENT_TYPE, type);
            if (page) {
                response.putHeader("Content-Security-Policy", DOCS_POLICY);
            } else {
                response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600");
            }
            response.end(read.result());
        });
    }

    private static Buffer read(String resource) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApiDocs.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("The Swagger UI WebJar is missing from the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
