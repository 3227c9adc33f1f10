package shop.defaults;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code SHOP_MAX_IN_FLIGHT} requests (0: any number) are worked on at once; the next
 * ones are answered 503 with {@code Retry-After} at once. Without it an arrival rate above what
 * the service finishes piles up requests without bound: memory grows, every request waits past
 * its deadline, and the service answers nobody in time. A request counts once its body has been
 * read (the handler runs after the body's), so that a client trickling bodies in holds no slot
 * while it does. Health and metrics are never refused, so probes see an overloaded service as
 * alive and ready: their routes come before this handler ({@link SharedRoutes}), and it
 * looks at no path.
 */
final class InFlightLimit {

    private InFlightLimit() {}

    static Handler<RoutingContext> handler(int max) {
        AtomicInteger inFlight = new AtomicInteger();
        return context -> {
            if (max == 0) {
                context.next();
                return;
            }
            if (inFlight.incrementAndGet() > max) {
                inFlight.decrementAndGet();
                context.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
                Problems.send(
                        context,
                        Problem.of(
                                503,
                                "overloaded",
                                "More than %d requests in progress; retry after 1 s".formatted(max)));
                return;
            }
            context.addEndHandler(done -> inFlight.decrementAndGet());
            context.next();
        };
    }
}
