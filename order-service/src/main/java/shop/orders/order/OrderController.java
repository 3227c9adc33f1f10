package shop.orders.order;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import shop.defaults.Caller;

/**
 * Orders, for the caller the gateway authenticated.
 *
 * <ul>
 * <li>{@code POST /orders}: 201 once paid or failed, 202 while the payment is pending; 400 bad
 * input or unknown item, 403 another customer's name, 409 price or currency not the catalog's,
 * 422 idempotency key reused for another request.
 * <li>{@code GET /orders}: the caller's orders, newest first; {@code status} (default {@code PAID},
 * or {@code any}), {@code page}, {@code size}, and for admins {@code customer}, or {@code stuck=true}:
 * the orders pending for too long, oldest first (403 for customers).
 * <li>{@code GET /orders/{id}}: 404 unless it is the caller's.
 * <li>{@code POST /orders/{id}/refund}: 409 unless the order is {@code PAID}.
 * </ul>
 */
@RestController
class OrderController {

    private static final String STATUSES = "PENDING|PAID|PAYMENT_FAILED|REFUNDED|any";

    private final OrderService orderService;

    OrderController(OrderService orderService) {
        this.orderService = orderService;
    }

    @PostMapping(path = "/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<OrderView> place(Caller caller,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable @Size(min = 1, max = 255)
            @Pattern(regexp = "[\\x21-\\x7E]+", message = "must be printable ASCII without spaces") String key,
            @Valid @RequestBody PlaceOrderRequest request) {
        OrderService.Placement placement = orderService.place(caller, request, key);
        Order order = placement.order();
        return ResponseEntity.status(order.isPending() ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
            .location(URI.create("/orders/" + order.id()))
            .header("Idempotent-Replayed", String.valueOf(placement.replayed()))
            .body(OrderView.of(order));
    }

    @GetMapping("/orders")
    List<OrderView> list(Caller caller,
            @RequestParam(defaultValue = "PAID") @Pattern(regexp = STATUSES,
                    message = "must be one of PENDING, PAID, PAYMENT_FAILED, REFUNDED, any") String status,
            @RequestParam @Nullable @Size(max = 100) String customer,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
            @RequestParam(defaultValue = "false") boolean stuck) {
        if (stuck) {
            return orderService.stuck(caller, page, size).stream().map(OrderView::of).toList();
        }
        OrderStatus only = "any".equals(status) ? null : OrderStatus.valueOf(status);
        return orderService.list(caller, customer, only, page, size).stream().map(OrderView::of).toList();
    }

    @GetMapping("/orders/{id}")
    OrderView get(Caller caller, @PathVariable String id) {
        return OrderView.of(orderService.find(caller, id));
    }

    @PostMapping("/orders/{id}/refund")
    OrderView refund(Caller caller, @PathVariable String id) {
        return OrderView.of(orderService.refund(caller, id));
    }
}
