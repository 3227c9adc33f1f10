package shop.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.Settings;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;

/**
 * Requires {@code Authorization: Bearer <API key or OIDC access token>} (401 otherwise) and keeps
 * the {@link Caller} on the request for the rest of the gateway. The gateway refuses to start with
 * no way to authenticate anybody (no key and no issuer).
 */
public final class Authentication implements Handler<RoutingContext> {

    private static final String CALLER = "shop.caller";
    private static final String BEARER = "Bearer ";

    private final ApiKeys apiKeys;
    private final @Nullable OidcTokens oidcTokens;

    private Authentication(ApiKeys apiKeys, @Nullable OidcTokens oidcTokens) {
        this.apiKeys = apiKeys;
        this.oidcTokens = oidcTokens;
    }

    /** From {@code SHOP_GATEWAY_API_KEYS}, the local profile's demo keys and {@code SHOP_GATEWAY_OIDC_*}. */
    public static Authentication from(Settings settings, Vertx vertx) {
        ApiKeys keys = ApiKeys.from(settings);
        Optional<OidcSettings> oidc = OidcSettings.from(settings);
        if (keys.isEmpty() && oidc.isEmpty()) {
            throw new IllegalArgumentException(
                    "No credentials configured: set SHOP_GATEWAY_API_KEYS or SHOP_GATEWAY_OIDC_ISSUER");
        }
        return new Authentication(
                keys,
                oidc.map(settingsOf -> OidcTokens.start(vertx, settingsOf)).orElse(null));
    }

    /** The authenticated caller of a request, or null before authentication (or on a public call). */
    public static @Nullable Caller caller(RoutingContext context) {
        return context.get(CALLER);
    }

    /** A handler that lets admins through and refuses (403) anybody else. */
    public static Handler<RoutingContext> adminsOnly(String what) {
        return context -> {
            Caller caller = caller(context);
            if (caller != null && caller.isAdmin()) {
                context.next();
            } else {
                GatewayProblems.fail(context, new GatewayProblem.AdminOnly(what));
            }
        };
    }

    @Override
    public void handle(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)) {
            GatewayProblems.fail(context, new GatewayProblem.NotAuthenticated(authorization != null));
            return;
        }
        callerFor(authorization.substring(BEARER.length()).strip()).onComplete(found -> {
            if (found.succeeded() && found.result().isPresent()) {
                context.put(CALLER, found.result().get());
                context.next();
            } else {
                GatewayProblems.fail(context, new GatewayProblem.NotAuthenticated(true));
            }
        });
    }

    /** A JWT (three dot-separated parts) when an issuer is configured, an API key otherwise. */
    private Future<Optional<Caller>> callerFor(String credential) {
        boolean looksLikeJwt = credential.chars().filter(c -> c == '.').count() == 2;
        return oidcTokens != null && looksLikeJwt
                ? oidcTokens.callerFor(credential)
                : Future.succeededFuture(apiKeys.callerFor(credential));
    }
}
