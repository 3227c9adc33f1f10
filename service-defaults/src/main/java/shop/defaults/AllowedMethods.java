package shop.defaults;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The methods a path takes on a router, for the {@code Allow} of a 405 (RFC 9110 15.5.6 wants
 * one). vertx-web's own 405 names them, but a router that answers its 405 with a problem cannot
 * ask which they were, so they are read here from the routes again: a route's path template, in
 * which {@code :name} stands for one segment and a trailing {@code *} for any rest, through
 * sub-routers. Routes without a method (the handlers every request passes) and routes by regular
 * expression are not counted.
 */
final class AllowedMethods {

    private AllowedMethods() {}

    /** {@code GET, POST}: the methods of every route whose path matches {@code path}; empty if none. */
    static String of(Router router, String path) {
        Set<HttpMethod> methods = new TreeSet<>(Comparator.comparing(HttpMethod::name));
        collect(router, "", withoutTrailingSlash(path), methods);
        return methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    }

    private static void collect(Router router, String mount, String path, Set<HttpMethod> methods) {
        for (Route route : router.getRoutes()) {
            String template = route.getPath();
            if (template == null) {
                continue;
            }
            if (route.getSubRouter() != null) {
                // Mounted at "/*", its routes' paths are the paths themselves.
                String prefix = template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
                collect(route.getSubRouter(), mount + prefix, path, methods);
            } else if (!route.methods().isEmpty() && matches(mount + template, route.isExactPath(), path)) {
                methods.addAll(route.methods());
            }
        }
    }

    private static boolean matches(String template, boolean exact, String path) {
        if (!exact) {
            return path.startsWith(template);
        }
        String[] expected = withoutTrailingSlash(template).split("/", -1);
        String[] actual = path.split("/", -1);
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            boolean parameter = expected[i].startsWith(":") && !actual[i].isEmpty();
            if (!parameter && !expected[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
