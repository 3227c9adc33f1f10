package shop.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
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
    private final Handler<RoutingContext> onFailure;

    private Authentication(ApiKeys apiKeys, @Nullable OidcTokens oidcTokens, Handler<RoutingContext> onFailure) {
        this.apiKeys = apiKeys;
        this.oidcTokens = oidcTokens;
        this.onFailure = onFailure;
    }

    /** From {@code SHOP_GATEWAY_API_KEYS}, the local profile's demo keys and {@code SHOP_GATEWAY_OIDC_*}. */
    public static Authentication from(Settings settings, Vertx vertx) {
        return from(settings, vertx, context -> {});
    }

    /**
     * As {@link #from(Settings, Vertx)}; {@code onFailure} hears of every request whose credentials
     * stand for nobody (to count failures per client).
     */
    public static Authentication from(Settings settings, Vertx vertx, Handler<RoutingContext> onFailure) {
        ApiKeys keys = ApiKeys.from(settings);
        Optional<OidcSettings> oidc = OidcSettings.from(settings);
        if (keys.isEmpty() && oidc.isEmpty()) {
            throw new IllegalArgumentException(
                    "No credentials configured: set SHOP_GATEWAY_API_KEYS or SHOP_GATEWAY_OIDC_ISSUER");
        }
        return new Authentication(
                keys,
                oidc.map(settingsOf -> OidcTokens.start(vertx, settingsOf)).orElse(null),
                onFailure);
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

    /**
     * The scheme is matched in any case ({@code bearer} too, RFC 9110); two {@code Authorization}
     * headers are refused (400) rather than one of them picked, since a proxy in front may have
     * picked the other.
     */
    @Override
    public void handle(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null
                && context.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
            context.fail(new ProblemException(Problem.invalid(
                    "Send one Authorization header",
                    List.of(new Problem.FieldError("Authorization", "is sent more than once")))));
            return;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            if (authorization != null) {
                onFailure.handle(context);
            }
            GatewayProblems.fail(context, new GatewayProblem.NotAuthenticated(authorization != null));
            return;
        }
        callerFor(authorization.substring(BEARER.length()).strip()).onComplete(found -> {
            if (found.succeeded() && found.result().isPresent()) {
                context.put(CALLER, found.result().get());
                context.next();
            } else {
                onFailure.handle(context);
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
