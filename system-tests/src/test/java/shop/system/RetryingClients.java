package shop.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Customers' programs, as real ones behave: each places orders through the gateway, every order
 * with its own idempotency key, and sends the same request with the same key again while the
 * answer says nothing was decided (a refused or lost connection, a timeout, a 5xx), with backoff;
 * now and then it refunds a paid order. What they were told is kept for {@link ShopInvariants}.
 */
final class RetryingClients {

    private static final String[] ITEMS = {"cap", "mug", "sticker", "hoodie", "t-shirt"};
    private static final String[] CARDS = {
        null,
        null,
        null,
        null,
        null,
        null,
        "4242424242424242",
        "4000000000000002",
        "4000000000009995",
        "4000000000000119"
    };
    /** Cards that must end paid: none (the local profile's default test card), a good one, a transient error. */
    private static final Set<String> GOOD_CARDS = Set.of("null", "4242424242424242", "4000000000000119");

    private static final int ATTEMPTS = 40;

    final Map<String, ShopInvariants.Answer> acknowledged = new ConcurrentHashMap<>();
    final Set<String> refundsAcknowledged = ConcurrentHashMap.newKeySet();
    /** Answers no client should get: neither an order nor a failure of the system. */
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    final AtomicInteger retries = new AtomicInteger();
    /** Requests given up after {@link #ATTEMPTS} sends without an answer (over a minute of trying). */
    final AtomicInteger gaveUp = new AtomicInteger();

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Future<?>> running = new ArrayList<>();

    /** Starts {@code count} clients, each with its own seed from {@code random}, that go on while {@code keepGoing}. */
    RetryingClients start(int count, Gateway gateway, Random random, BooleanSupplier keepGoing) {
        for (int i = 0; i < count; i++) {
            Random own = new Random(random.nextLong());
            running.add(threads.submit(() -> placeOrdersWhile(keepGoing, gateway, own)));
        }
        return this;
    }

    /**
     * Waits for the clients to finish their last order (once {@code keepGoing} turned false), and
     * fails with what broke one, such as an answer outside the contract.
     */
    void await(Duration timeout) throws Exception {
        threads.shutdown();
        if (!threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            threads.shutdownNow();
            throw new IllegalStateException("the clients did not finish within " + timeout);
        }
        for (Future<?> client : running) {
            client.get();
        }
    }

    private void placeOrdersWhile(BooleanSupplier keepGoing, Gateway gateway, Random random) {
        while (keepGoing.getAsBoolean()) {
            String card = CARDS[random.nextInt(CARDS.length)];
            String item = ITEMS[random.nextInt(ITEMS.length)];
            int quantity = 1 + random.nextInt(3);
            String body = "{\"item\":\"%s\",\"quantity\":%d%s}"
                    .formatted(item, quantity, card == null ? "" : ",\"paymentMethod\":\"" + card + "\"");
            Map<String, String> headers = Map.of(
                    "Content-Type",
                    "application/json",
                    "Idempotency-Key",
                    UUID.randomUUID().toString());
            Gateway.Response answer = retrying(() -> gateway.send("POST", "/orders", Gateway.GREGOR, body, headers));
            if (answer == null) {
                continue;
            }
            if (answer.status() != 201 && answer.status() != 202) {
                unexpected.add(
                        answer.status() + " for " + body + ": " + answer.raw().body());
                continue;
            }
            String id = answer.json().get("id").asText();
            acknowledged.put(
                    id,
                    new ShopInvariants.Answer(
                            id,
                            answer.status(),
                            answer.json().get("status").asText(),
                            answer.json().get("amount").decimalValue(),
                            GOOD_CARDS.contains(String.valueOf(card))));
            if ("PAID".equals(answer.json().get("status").asText()) && random.nextInt(10) == 0) {
                if (quantity > 1) {
                    // One unit first, under a key of its own, as a client that retries a refund would.
                    String oneUnit = "{\"lines\":[{\"item\":\"" + item + "\",\"quantity\":1}]}";
                    Map<String, String> refundHeaders = Map.of(
                            "Content-Type",
                            "application/json",
                            "Idempotency-Key",
                            UUID.randomUUID().toString());
                    retrying(() ->
                            gateway.send("POST", "/orders/" + id + "/refund", Gateway.GREGOR, oneUnit, refundHeaders));
                }
                Gateway.Response refund =
                        retrying(() -> gateway.post("/orders/" + id + "/refund", Gateway.GREGOR, null));
                if (refund != null && refund.status() == 200) {
                    refundsAcknowledged.add(id);
                }
            }
        }
    }

    /** Sends until an answer that is not a failure of the system (5xx, timeout, refused connection). */
    private Gateway.Response retrying(Supplier<Gateway.Response> call) {
        long backoff = 100;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                Gateway.Response response = call.get();
                if (response.status() < 500) {
                    return response;
                }
            } catch (IllegalStateException e) {
                // The connection failed or timed out: the request may or may not have been done.
            }
            retries.incrementAndGet();
            sleep(backoff + (long) (Math.random() * backoff));
            backoff = Math.min(backoff * 2, 2000);
        }
        gaveUp.incrementAndGet();
        return null;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
