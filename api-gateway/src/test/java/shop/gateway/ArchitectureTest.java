package shop.gateway;

import org.junit.jupiter.api.Test;
import shop.testing.Architecture;

class ArchitectureTest {

    @Test
    void keepsTheGatewaysRoomsApart() {
        Architecture.check("shop.gateway");
    }

    @Test
    void usesVertxInternalsOnlyWhereVertxHasNoPublicApi() {
        Architecture.checkVertxInternalsOnlyIn(
                Architecture.of("shop.gateway"), "shop.gateway.contract.RequestValidation");
    }
}
