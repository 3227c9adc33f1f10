package shop.orders.catalog;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The catalog, public: no credentials needed. */
@RestController
class CatalogController {

    record ProductView(String item, String name, BigDecimal price, String currency) {
    }

    private final Catalog catalog;

    CatalogController(Catalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/products")
    List<ProductView> products() {
        return catalog.all().stream()
            .sorted(Comparator.comparing(Product::item))
            .map(p -> new ProductView(p.item(), p.name(), p.price().amount(), p.price().currency()))
            .toList();
    }
}
