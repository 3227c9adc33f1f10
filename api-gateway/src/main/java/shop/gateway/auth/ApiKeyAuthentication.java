package shop.gateway.auth;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import shop.defaults.Caller;
import shop.defaults.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requires {@code Authorization: Bearer <api key or OIDC access token>} on every call but the catalog, the actuator
 * and CORS preflights, and puts the {@link Caller} in the request attribute {@link #CALLER}.
 */
@Component
@Order(ApiKeyAuthentication.ORDER)
public class ApiKeyAuthentication extends OncePerRequestFilter {

    /** Where authentication runs among the filters: right after the body size limit. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    /** The request attribute that holds the authenticated {@link Caller}. */
    public static final String CALLER = "shop.caller";

    private static final String BEARER = "Bearer ";

    private final ApiKeys apiKeys;
    private final OidcTokens oidcTokens;
    private final JsonMapper json;

    ApiKeyAuthentication(ApiKeys apiKeys, OidcTokens oidcTokens, JsonMapper json) {
        this.apiKeys = apiKeys;
        this.oidcTokens = oidcTokens;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        // A browser's CORS preflight carries no credentials; the CORS rules answer it.
        return path.equals("/products") || path.startsWith("/actuator/") || CorsUtils.isPreFlightRequest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = authorization != null && authorization.startsWith(BEARER)
                ? callerFor(authorization.substring(BEARER.length()).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            String detail = authorization == null ? "Send credentials: Authorization: Bearer <key or token>"
                    : "The credentials are not valid";
            Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", detail), json);
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }

    /** A JWT (three dot-separated parts) when an issuer is configured, an API key otherwise. */
    private Optional<Caller> callerFor(String credential) {
        boolean looksLikeJwt = credential.chars().filter(c -> c == '.').count() == 2;
        return oidcTokens.enabled() && looksLikeJwt ? oidcTokens.callerFor(credential) : apiKeys.callerFor(credential);
    }
}
