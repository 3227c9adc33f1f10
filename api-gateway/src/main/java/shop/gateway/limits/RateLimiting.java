package shop.gateway.limits;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import shop.defaults.Caller;
import shop.defaults.Problems;
import shop.gateway.auth.ApiKeyAuthentication;
import tools.jackson.databind.json.JsonMapper;

/**
 * A token bucket per caller (per client address for the public catalog): {@code rate-limit}
 * requests a second, bursts up to twice that. Past it: 429 with {@code Retry-After}.
 */
@Component
@Order(ApiKeyAuthentication.ORDER + 1)
class RateLimiting extends OncePerRequestFilter {

    /** Callers are authenticated identities, so this stays as small as the set of keys in use. */
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int perSecond;
    private final JsonMapper json;

    RateLimiting(LimitProperties properties, JsonMapper json) {
        this.perSecond = properties.rateLimit();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return perSecond == 0 || request.getRequestURI().startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsumptionProbe probe = buckets.computeIfAbsent(callerOf(request), caller -> newBucket())
            .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
            Problems.write(response, Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-requests",
                    "More than %d requests a second; retry after %d s".formatted(perSecond, seconds)), json);
            return;
        }
        chain.doFilter(request, response);
    }

    private Bucket newBucket() {
        return Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
            .build();
    }

    private static String callerOf(HttpServletRequest request) {
        return request.getAttribute(ApiKeyAuthentication.CALLER) instanceof Caller caller
                ? "caller:" + caller.customer() + "/" + caller.role()
                : "address:" + request.getRemoteAddr();
    }
}
