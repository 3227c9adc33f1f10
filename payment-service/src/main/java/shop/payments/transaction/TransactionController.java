package shop.payments.transaction;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import shop.defaults.Caller;
import shop.defaults.InternalCall;
import shop.defaults.Money;

/**
 * Charges and refunds, for order-service only (403 for any other caller), and the list of
 * transactions for admins. A
 * request that creates a transaction answers 201; a repeated one answers 200 with the first.
 */
@RestController
class TransactionController {

    private static final String ORDER_SERVICE = "order-service";

    private final PaymentService payments;

    TransactionController(PaymentService payments) {
        this.payments = payments;
    }

    @PostMapping("/charges")
    ResponseEntity<TransactionView> charge(InternalCall call, @Valid @RequestBody ChargeRequest request) {
        requireOrderService(call);
        Money amount = Money.of(request.amount(), request.currency());
        return answer(payments.charge(request.orderId(), amount, request.paymentMethod()));
    }

    @PostMapping("/refunds")
    ResponseEntity<TransactionView> refund(InternalCall call, @Valid @RequestBody RefundRequest request) {
        requireOrderService(call);
        return answer(payments.refund(request.orderId()));
    }

    @GetMapping("/transactions")
    List<TransactionView> list(Caller caller, @RequestParam @Nullable UUID orderId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        if (!caller.isAdmin()) {
            throw new AdminOnly();
        }
        return payments.list(orderId, page, size).stream().map(TransactionView::of).toList();
    }

    /** Money moves at order-service's request only, whoever else holds a valid token. */
    private static void requireOrderService(InternalCall call) {
        if (!ORDER_SERVICE.equals(call.service())) {
            throw new NotOrderService(call.service());
        }
    }

    private static ResponseEntity<TransactionView> answer(PaymentService.Result result) {
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
            .body(TransactionView.of(result.transaction()));
    }
}
