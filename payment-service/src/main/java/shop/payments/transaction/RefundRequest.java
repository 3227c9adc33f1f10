package shop.payments.transaction;

import java.util.UUID;

import jakarta.validation.constraints.NotNull;

/** Refund the whole charge of an order. */
record RefundRequest(@NotNull UUID orderId) {
}
