package shop.gateway.auth;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import shop.defaults.Caller;
import shop.defaults.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requires {@code Authorization: Bearer <api key>} on every call but the catalog and the
 * actuator, and puts the {@link Caller} in the request attribute {@link #CALLER}.
 */
@Component
public class ApiKeyAuthentication extends OncePerRequestFilter {

    /** The request attribute that holds the authenticated {@link Caller}. */
    public static final String CALLER = "shop.caller";

    private static final String BEARER = "Bearer ";

    private final ApiKeys apiKeys;
    private final JsonMapper json;

    ApiKeyAuthentication(ApiKeys apiKeys, JsonMapper json) {
        this.apiKeys = apiKeys;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/products") || path.startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = authorization != null && authorization.startsWith(BEARER)
                ? apiKeys.callerFor(authorization.substring(BEARER.length()).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            String detail = authorization == null ? "Send an API key: Authorization: Bearer <key>"
                    : "The API key is not valid";
            Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", detail), json);
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }
}
