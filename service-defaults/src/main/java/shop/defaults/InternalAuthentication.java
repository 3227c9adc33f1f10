package shop.defaults;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets in only calls that carry a valid internal token ({@code Authorization: Bearer}); a call
 * straight to a service's port without one gets 401, whatever its path. Health and metrics stay
 * open to probes because their routes come first ({@link SharedRoutes}) and answer
 * before this handler runs; it looks at no path, so no spelling of one gets around it.
 */
public final class InternalAuthentication {

    private static final String CALL = "shop.internal-call";
    private static final String BEARER = "Bearer ";

    private InternalAuthentication() {}

    public static Handler<RoutingContext> handler(InternalTokens tokens) {
        return context -> {
            String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
            InternalCall call = authorization != null
                            && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? tokens.verify(authorization.substring(BEARER.length()).strip())
                    : null;
            if (call == null) {
                context.response().putHeader("WWW-Authenticate", "Bearer");
                Problems.send(
                        context,
                        Problem.of(401, "unauthenticated", "This service takes calls from other Shop services only"));
                return;
            }
            context.put(CALL, call);
            context.next();
        };
    }

    /** The call the request's token proved (the handler has run before any route). */
    public static InternalCall call(RoutingContext context) {
        InternalCall call = context.get(CALL);
        if (call == null) {
            throw new ProblemException(
                    Problem.of(401, "unauthenticated", "This service takes calls from other Shop services only"));
        }
        return call;
    }

    /** The end user the call is made for; 401 when the call names none. */
    public static Caller caller(RoutingContext context) {
        Caller caller = call(context).caller();
        if (caller == null) {
            throw new ProblemException(Problem.of(401, "unauthenticated", "This call must be made for an end user"));
        }
        return caller;
    }
}
