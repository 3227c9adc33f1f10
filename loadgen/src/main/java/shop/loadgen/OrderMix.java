package shop.loadgen;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic order bodies: mixed items and quantities, mostly the default card, some cards that
 * decline. Each order has an idempotency key of its own.
 */
final class OrderMix {

    private static final String[] ITEMS = {"t-shirt", "hoodie", "mug", "cap", "sticker"};
    private static final String[] DECLINING_CARDS = {"4000000000000002", "4000000000009995"};

    private OrderMix() {}

    static String nextBody() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String item = ITEMS[random.nextInt(ITEMS.length)];
        int quantity = 1 + random.nextInt(3);
        // One order in twenty pays with a card that is declined.
        String card = random.nextInt(20) == 0 ? DECLINING_CARDS[random.nextInt(DECLINING_CARDS.length)] : null;
        return card == null
                ? "{\"item\":\"%s\",\"quantity\":%d}".formatted(item, quantity)
                : "{\"item\":\"%s\",\"quantity\":%d,\"paymentMethod\":\"%s\"}".formatted(item, quantity, card);
    }
}
