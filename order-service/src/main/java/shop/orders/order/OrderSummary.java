package shop.orders.order;

import java.time.Instant;
import java.util.List;

/**
 * What an operator watches, as {@code GET /admin/summary} shows it: the orders placed in the last
 * minute and the last hour by their status now, the orders pending now and how many of them are
 * stuck, and the state of the circuit breaker in front of payment-service ({@code CLOSED},
 * {@code OPEN}, {@code HALF_OPEN}...).
 */
record OrderSummary(
        Instant at, Window lastMinute, Window lastHour, long pendingNow, long stuckNow, String paymentBreaker) {

    /**
     * Orders placed within a window: all of them, and by their status now ({@code declined} is
     * {@code PAYMENT_FAILED}, {@code refunded} counts those refunded in part too).
     */
    record Window(long placed, long paid, long declined, long pending, long refunded) {}

    static OrderSummary of(
            Instant at, List<Orders.RecentCount> counts, long pendingNow, long stuckNow, String paymentBreaker) {
        long[] hour = new long[OrderStatus.values().length];
        long[] minute = new long[OrderStatus.values().length];
        for (Orders.RecentCount count : counts) {
            hour[count.status().ordinal()] = count.lastHour();
            minute[count.status().ordinal()] = count.lastMinute();
        }
        return new OrderSummary(at, window(minute), window(hour), pendingNow, stuckNow, paymentBreaker);
    }

    private static Window window(long[] byStatus) {
        long placed = 0;
        for (long count : byStatus) {
            placed += count;
        }
        return new Window(
                placed,
                byStatus[OrderStatus.PAID.ordinal()],
                byStatus[OrderStatus.PAYMENT_FAILED.ordinal()],
                byStatus[OrderStatus.PENDING.ordinal()],
                byStatus[OrderStatus.PARTIALLY_REFUNDED.ordinal()] + byStatus[OrderStatus.REFUNDED.ordinal()]);
    }
}
