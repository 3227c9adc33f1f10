package shop.defaults;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets in only calls that carry a valid internal token ({@code Authorization: Bearer}); a call
 * straight to a service's port without one gets 401. Health and metrics stay open to probes.
 */
class InternalAuthentication extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final InternalTokens tokens;
    private final JsonMapper json;

    InternalAuthentication(InternalTokens tokens, JsonMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        InternalCall call = authorization != null && authorization.startsWith(BEARER)
                ? tokens.verify(authorization.substring(BEARER.length()).strip()) : null;
        if (call == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                    "This service takes calls from other Shop services only"), json);
            return;
        }
        request.setAttribute(InternalCall.ATTRIBUTE, call);
        chain.doFilter(request, response);
    }
}
