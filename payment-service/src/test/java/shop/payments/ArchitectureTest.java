package shop.payments;

import org.junit.jupiter.api.Test;
import shop.testing.Architecture;

/** payment-service's domain stays free of HTTP and SQL, and of the other services' code. */
class ArchitectureTest {

    @Test
    void keepsItsRoomsApart() {
        Architecture.check("shop.payments");
    }

    @Test
    void usesNoVertxInternals() {
        Architecture.checkVertxInternalsOnlyIn(Architecture.of("shop.payments"));
    }
}
