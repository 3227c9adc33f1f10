package shop.orders.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.HttpMetrics;
import shop.defaults.InternalTokens;
import shop.defaults.Money;
import shop.defaults.Role;
import shop.defaults.ServerOptions;
import shop.defaults.StrictJson;
import shop.defaults.TlsSettings;

/**
 * payment-service's API ({@code POST /charges}, {@code POST /refunds}) over one pooled keep-alive
 * HTTP client, behind a circuit breaker, and what its answers mean. Each call has a hard limit,
 * {@link #attemptLimit()}: the connect timeout plus {@link PaymentSettings#deadline()} for the
 * answer, whatever the call spends waiting for a pooled connection; past it, the exchange is
 * abandoned.
 * Nothing here retries: the caller decides (the recovery job, keyed by the order id, with backoff),
 * and, knowing that no call outlives its limit, can be sure that no two attempts at one order are
 * ever in flight together.
 */
public final class PaymentClient {

    /** The breaker's name: its state is {@code resilience4j_circuitbreaker_state{name="payment-service"}}. */
    public static final String PAYMENT_SERVICE = "payment-service";

    private static final Logger log = LoggerFactory.getLogger(PaymentClient.class);
    private static final String JSON = "application/json";
    private static final String PROCESSOR_UNAVAILABLE = "urn:shop:problem:processor-unavailable";
    /**
     * The processor would not refund, or payment-service would not let the refunds go over the
     * charge (or finds nothing left of it): the refund was not made, and will not be by asking again.
     */
    private static final Set<String> REFUND_REFUSED = Set.of(
            "urn:shop:problem:refund-declined",
            "urn:shop:problem:refund-exceeds-charge",
            "urn:shop:problem:nothing-to-refund");

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final PaymentSettings settings;
    private final CircuitBreaker breaker;
    private final InternalTokens tokens;
    private final HttpMetrics metrics;

    private record Answer(int status, Buffer body) {}

    private record ChargeRequest(
            UUID orderId,
            BigDecimal amount,
            String currency,
            @Nullable String paymentMethod) {}

    private record RefundRequest(UUID orderId, UUID refundId, BigDecimal amount) {}

    public PaymentClient(
            Vertx vertx,
            PaymentSettings settings,
            TlsSettings tls,
            InternalTokens tokens,
            MeterRegistry registry,
            HttpMetrics metrics) {
        this.vertx = vertx;
        this.settings = settings;
        this.tokens = tokens;
        this.metrics = metrics;
        this.breaker = breaker(settings.breaker(), registry);
        this.http = vertx.httpClientBuilder()
                .with(tls.clientOptions(PAYMENT_SERVICE, settings.baseUrl())
                        .setKeepAlive(true)
                        // TCP keepalive finds a dead payment-service under an idle pooled connection; the
                        // user timeout (Linux's native transport) one that stopped acknowledging what was sent.
                        .setTcpKeepAlive(true)
                        .setTcpUserTimeout((int) settings.deadline().toMillis())
                        .setKeepAliveTimeout(ServerOptions.CLIENT_KEEP_ALIVE_SECONDS)
                        .setConnectTimeout((int) settings.connectTimeout().toMillis()))
                .with(new PoolOptions().setHttp1MaxSize(settings.connections()))
                .build();
    }

    /**
     * Counts only what says payment-service is unwell (no answer, a timeout, a 5xx other than the
     * processor's temporary refusal of one charge); any other answer is an answer. Its state is
     * exported as {@code resilience4j_circuitbreaker_state}.
     */
    private static CircuitBreaker breaker(PaymentSettings.Breaker settings, MeterRegistry registry) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.probes())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        return breakers.circuitBreaker(PAYMENT_SERVICE);
    }

    /**
     * The longest a call may take, from asking for a connection to the last byte of the answer:
     * the connect timeout plus the deadline for the answer. A call is abandoned then.
     */
    public Duration attemptLimit() {
        return settings.connectTimeout().plus(settings.deadline());
    }

    /**
     * Charges an order, keyed by its id. Without a payment method, payment-service can only
     * finish a charge it has already claimed, and declines one it has never seen. Never fails:
     * what is not known is {@link ChargeOutcome.Unknown}.
     *
     * @param within the call is abandoned (its outcome unknown) once this has passed, or once
     *     {@link #attemptLimit()} has if that is shorter; with no time left it is not made at all
     */
    public Future<ChargeOutcome> charge(
            UUID orderId, String customer, Money amount, @Nullable String paymentMethod, Duration within) {
        long limit = Math.min(within.toMillis(), attemptLimit().toMillis());
        if (limit <= 0) {
            return Future.succeededFuture(
                    new ChargeOutcome.Unknown("no time left for a call to payment-service", false));
        }
        var request = new ChargeRequest(orderId, amount.amount(), amount.currency(), paymentMethod);
        return call("/charges", customer, StrictJson.write(request), limit)
                .map(answer -> outcomeOf(orderId, answer))
                .otherwise(failure -> new ChargeOutcome.Unknown("payment-service " + describe(failure), false));
    }

    /**
     * Refunds {@code amount} of an order's charge as the refund {@code refundId} (its idempotency
     * key at payment-service); fails with {@link RefundDeclined} when the processor refuses it, and
     * with {@link PaymentsUnavailable} when it is not known to be done.
     */
    public Future<Transaction> refund(UUID orderId, String customer, UUID refundId, Money amount) {
        return call(
                        "/refunds",
                        customer,
                        StrictJson.write(new RefundRequest(orderId, refundId, amount.amount())),
                        attemptLimit().toMillis())
                .transform(done -> {
                    if (done.succeeded() && done.result().status() / 100 == 2) {
                        return Future.succeededFuture(
                                transactionOf(done.result().body()));
                    }
                    if (done.succeeded()
                            && REFUND_REFUSED.contains(Objects.requireNonNullElse(problemType(done.result()), ""))) {
                        String reason = done.result()
                                .body()
                                .toJsonObject()
                                .getString("declineReason", "nothing_left_to_refund");
                        log.warn("The refund of order {} was declined by the payment processor: {}", orderId, reason);
                        return Future.failedFuture(new RefundDeclined(reason));
                    }
                    String why = done.succeeded() ? "answered " + done.result().status() : describe(done.cause());
                    log.warn("The refund of order {} failed: payment-service {}", orderId, why);
                    return Future.failedFuture(new PaymentsUnavailable("refund of order " + orderId));
                });
    }

    /** The breaker's state now: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ... (Resilience4j's names). */
    public String breakerState() {
        return breaker.getState().name();
    }

    public Future<Void> close() {
        return http.close();
    }

    /**
     * One call through the breaker; fails when no answer came within {@code limitMillis} (or the
     * breaker is open). The idle timeout catches a silent payment-service early; the hard limit
     * also covers a long wait for a pooled connection and an answer that trickles in: the exchange
     * is then reset, so that nothing of it is still under way once the caller has given up on it.
     */
    private Future<Answer> call(String uri, String customer, Buffer body, long limitMillis) {
        if (!breaker.tryAcquirePermission()) {
            return Future.failedFuture(new BreakerOpen());
        }
        long started = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(uri)
                // Nor does a call wait for a pooled connection past its limit.
                .setConnectTimeout(limitMillis)
                .setIdleTimeout(settings.deadline().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.ACCEPT, JSON)
                .putHeader(
                        HttpHeaders.AUTHORIZATION,
                        "Bearer " + tokens.issue(PAYMENT_SERVICE, new Caller(customer, Role.CUSTOMER)));
        Promise<Answer> answered = Promise.promise();
        long timer = vertx.setTimer(limitMillis, late -> answered.tryFail(new LimitPassed(limitMillis)));
        http.request(options)
                .compose(request -> {
                    answered.future().onFailure(failure -> {
                        if (failure instanceof LimitPassed) {
                            request.reset();
                        }
                    });
                    return request.send(body);
                })
                .compose(response -> response.body().map(answer -> new Answer(response.statusCode(), answer)))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        answered.tryComplete(done.result());
                    } else {
                        answered.tryFail(done.cause());
                    }
                });
        return answered.future().andThen(done -> {
            vertx.cancelTimer(timer);
            long elapsed = System.nanoTime() - started;
            int status = done.succeeded() ? done.result().status() : 0;
            metrics.client(PAYMENT_SERVICE, "POST", uri, status, started);
            if (done.failed()) {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, done.cause());
            } else if (status >= 500 && !isProcessorUnavailable(done.result())) {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, new IllegalStateException("answered " + status));
            } else {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            }
        });
    }

    private static ChargeOutcome outcomeOf(UUID orderId, Answer answer) {
        if (answer.status() / 100 == 2) {
            Transaction charge = transactionOf(answer.body());
            return charge.success()
                    ? new ChargeOutcome.Charged(charge)
                    : new ChargeOutcome.Declined(
                            charge.declineReason() != null ? charge.declineReason() : "declined", charge);
        }
        if (isProcessorUnavailable(answer)) {
            return new ChargeOutcome.Unknown("the payment processor is unavailable for now", true);
        }
        if (answer.status() / 100 == 4) {
            // A call payment-service refuses is a fault on this side (or keys that disagree during a
            // rotation): keep the order pending, and say so loudly.
            log.error(
                    "payment-service refused the charge of order {} with {} ({})",
                    orderId,
                    answer.status(),
                    problemType(answer));
        }
        return new ChargeOutcome.Unknown("payment-service answered " + answer.status(), false);
    }

    private static Transaction transactionOf(Buffer body) {
        JsonObject json = body.toJsonObject();
        return new Transaction(
                UUID.fromString(json.getString("id")),
                json.getBoolean("success", false),
                json.getString("declineReason"),
                json.getString("cardBrand"),
                json.getString("cardLast4"));
    }

    private static boolean isProcessorUnavailable(Answer answer) {
        return answer.status() == 503 && PROCESSOR_UNAVAILABLE.equals(problemType(answer));
    }

    private static @Nullable String problemType(Answer answer) {
        try {
            Object type = answer.body().toJsonObject().getValue("type");
            return type instanceof String text ? text : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static String describe(Throwable failure) {
        return switch (failure) {
            case BreakerOpen open -> "circuit open";
            case LimitPassed late -> late.getMessage();
            default -> "unreachable: " + failure;
        };
    }

    /** No answer within the call's hard limit: the exchange was abandoned. */
    private static final class LimitPassed extends RuntimeException {

        LimitPassed(long limitMillis) {
            super("no answer within " + limitMillis + " ms", null, false, false);
        }
    }

    /** The breaker refused the call: payment-service failed too often lately. */
    private static final class BreakerOpen extends RuntimeException {

        BreakerOpen() {
            super("payment-service circuit open", null, false, false);
        }
    }
}
