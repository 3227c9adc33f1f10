package shop.orders;

import org.junit.jupiter.api.Test;
import shop.testing.Architecture;

/** order-service's rooms: a domain free of HTTP and SQL types, and no reach into another service's code. */
class ArchitectureTest {

    @Test
    void keepsTheDomainFreeOfHttpAndSqlAndTheServiceToItself() {
        Architecture.check("shop.orders");
    }

    @Test
    void usesVertxInternalsOnlyWhereVertxHasNoPublicApi() {
        Architecture.checkVertxInternalsOnlyIn(Architecture.of("shop.orders"), "shop.orders.order.TraceContexts");
    }
}
