package shop.gateway.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import shop.defaults.Settings;

/**
 * The storefront ({@code /}) and the operations console ({@code /console}): plain HTML, CSS and
 * JavaScript modules from the jar, held in memory (a few kilobytes), which call the public API
 * like any client. The pages run under a policy of their own that loads scripts and styles from
 * this server only (no inline script or style); {@code /web/config.json} tells them what this
 * gateway offers for signing in and paying: the local profile's demo keys and test cards (in the
 * local profile only) and the OIDC issuer with the pages' client id, when both are configured.
 * Public, like the catalog: the data behind them needs credentials.
 */
public final class WebPages {

    /** The files, by the path they are served at: each with its media type. */
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/console", "console.html",
            "/web/shop.css", "shop.css",
            "/web/api.js", "api.js",
            "/web/signin.js", "signin.js",
            "/web/storefront.js", "storefront.js",
            "/web/console.js", "console.js");

    private final Map<String, Buffer> files;
    private final Buffer config;
    private final String policy;

    private WebPages(Map<String, Buffer> files, Buffer config, String policy) {
        this.files = files;
        this.config = config;
        this.policy = policy;
    }

    /**
     * The pages from the jar (read here: not on an event loop), configured from {@code SHOP_PROFILE},
     * {@code SHOP_GATEWAY_OIDC_ISSUER} and {@code SHOP_GATEWAY_OIDC_CLIENT_ID}.
     */
    public static WebPages fromJar(Settings settings) {
        Map<String, Buffer> files = new LinkedHashMap<>();
        FILES.forEach((path, file) -> files.put(path, read("web/" + file)));
        Optional<URI> issuer = settings.optional("SHOP_GATEWAY_OIDC_ISSUER").map(URI::create);
        Optional<String> clientId = settings.optional("SHOP_GATEWAY_OIDC_CLIENT_ID");
        JsonObject config = new JsonObject().put("local", settings.local());
        if (settings.local()) {
            config.put("demoKeys", LocalDemo.KEYS).put("testCards", LocalDemo.CARDS);
        }
        String connect = "'self'";
        if (issuer.isPresent() && clientId.isPresent()) {
            config.put(
                    "oidc",
                    new JsonObject()
                            .put("issuer", issuer.get().toString())
                            .put("clientId", clientId.get())
                            .put("scope", settings.text("SHOP_GATEWAY_OIDC_SCOPE", "openid")));
            // The pages read the issuer's discovery document and exchange the code at its token endpoint.
            connect += " " + origin(issuer.get());
        }
        String policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src "
                + connect + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        return new WebPages(files, config.toBuffer(), policy);
    }

    /** Adds the pages and their files to {@code router}, each at its own path. */
    public void mount(Router router) {
        files.forEach((path, content) -> router.get(path)
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, typeOf(FILES.get(path)))
                        .putHeader("Content-Security-Policy", policy)
                        .end(content)));
        router.get("/web/config.json")
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(config));
    }

    private static String typeOf(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static Buffer read(String resource) {
        try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the README publishes for the local profile, offered on the pages there only. */
    private static final class LocalDemo {

        static final JsonArray KEYS = new JsonArray()
                .add(demo("Gregor (customer)", "local-gregor-key"))
                .add(demo("Alice (customer)", "local-alice-key"))
                .add(demo("admin", "local-admin-key"));

        static final JsonArray CARDS = new JsonArray()
                .add(card("4242424242424242", "Visa ending 4242: paid"))
                .add(card("4000000000000002", "Visa ending 0002: declined"))
                .add(card("4000000000009995", "Visa ending 9995: insufficient funds"))
                .add(card("4000000000000119", "Visa ending 0119: pending, then paid"));

        private static JsonObject demo(String label, String key) {
            return new JsonObject().put("label", label).put("key", key);
        }

        private static JsonObject card(String number, String label) {
            return new JsonObject().put("number", number).put("label", label);
        }
    }
}
