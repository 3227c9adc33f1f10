package shop.gateway.routing;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import shop.defaults.Caller;
import shop.defaults.Problems;
import shop.gateway.auth.ApiKeyAuthentication;

/**
 * The public API, one method per call, each passed on to the service that owns it. What a call
 * answers is the owning service's business; the gateway adds only 401, 403 (admin-only calls)
 * and 503 (service unavailable).
 */
@RestController
class RouteController {

    private static final String ORDERS = "order-service";
    private static final String PAYMENTS = "payment-service";

    private final ServiceProxy proxy;
    private final Downstreams downstreams;

    RouteController(ServiceProxy proxy, Downstreams downstreams) {
        this.proxy = proxy;
        this.downstreams = downstreams;
    }

    @PostMapping(path = "/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> placeOrder(HttpServletRequest request,
            @RequestAttribute(ApiKeyAuthentication.CALLER) Caller caller, @RequestBody byte[] body) {
        return proxy.forward(ORDERS, downstreams.orderService(), request, caller, body);
    }

    @GetMapping("/orders")
    ResponseEntity<byte[]> listOrders(HttpServletRequest request,
            @RequestAttribute(ApiKeyAuthentication.CALLER) Caller caller) {
        return proxy.forward(ORDERS, downstreams.orderService(), request, caller, null);
    }

    @GetMapping("/orders/{id}")
    ResponseEntity<byte[]> getOrder(HttpServletRequest request,
            @RequestAttribute(ApiKeyAuthentication.CALLER) Caller caller) {
        return proxy.forward(ORDERS, downstreams.orderService(), request, caller, null);
    }

    @PostMapping("/orders/{id}/refund")
    ResponseEntity<byte[]> refundOrder(HttpServletRequest request,
            @RequestAttribute(ApiKeyAuthentication.CALLER) Caller caller) {
        return proxy.forward(ORDERS, downstreams.orderService(), request, caller, null);
    }

    @GetMapping("/products")
    ResponseEntity<byte[]> products(HttpServletRequest request) {
        return proxy.forward(ORDERS, downstreams.orderService(), request, null, null);
    }

    @GetMapping("/transactions")
    ResponseEntity<byte[]> transactions(HttpServletRequest request,
            @RequestAttribute(ApiKeyAuthentication.CALLER) Caller caller) {
        if (!caller.isAdmin()) {
            throw new AdminOnly();
        }
        return proxy.forward(PAYMENTS, downstreams.paymentService(), request, caller, null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(DownstreamUnavailable e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> badTarget(IllegalArgumentException e) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", "The URL is not valid");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> adminOnly(AdminOnly e) {
        return Problems.response(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
    }

    /** The call is for admins only. */
    static class AdminOnly extends RuntimeException {

        AdminOnly() {
            super("Only an admin may list transactions");
        }
    }
}
