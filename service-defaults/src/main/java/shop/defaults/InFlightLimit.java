package shop.defaults;

import java.io.IOException;
import java.util.concurrent.Semaphore;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * At most {@code max-in-flight} requests (0: any number) are worked on at once; the next ones are answered 503
 * with {@code Retry-After} at once. Every request runs on its own virtual thread, so without this
 * an arrival rate above what the service finishes piles up requests without bound: memory grows,
 * every request waits past its deadline, and the service answers nobody in time. Health and
 * metrics (/actuator) are never refused, so probes see an overloaded service as alive and ready.
 */
class InFlightLimit extends OncePerRequestFilter {

    private final Semaphore permits;
    private final int maxInFlight;
    private final JsonMapper json;

    InFlightLimit(int maxInFlight, JsonMapper json) {
        this.permits = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return maxInFlight == 0 || request.getRequestURI().startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!permits.tryAcquire()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            Problems.write(response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded",
                    "More than %d requests in progress; retry after 1 s".formatted(maxInFlight)), json);
            return;
        }
        try {
            chain.doFilter(request, response);
        }
        finally {
            permits.release();
        }
    }
}
