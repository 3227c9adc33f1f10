package shop.gateway;

/**
 * What the gateway itself refuses, as facts about the request; {@link GatewayProblems} maps each
 * to its answer once. Everything else a client hears comes from the service that owns the call.
 */
public abstract sealed class GatewayProblem extends RuntimeException {

    private GatewayProblem(String message) {
        super(message, null, false, false);
    }

    /** No credentials, or credentials that stand for nobody. */
    public static final class NotAuthenticated extends GatewayProblem {

        private final boolean credentialsSent;

        public NotAuthenticated(boolean credentialsSent) {
            super(
                    credentialsSent
                            ? "The credentials are not valid"
                            : "Send credentials: Authorization: Bearer <key or token>");
            this.credentialsSent = credentialsSent;
        }

        public boolean credentialsSent() {
            return credentialsSent;
        }
    }

    /** A call only admins may make. */
    public static final class AdminOnly extends GatewayProblem {

        public AdminOnly(String what) {
            super("Only an admin may " + what);
        }
    }

    /** The caller went past their requests a second. */
    public static final class RateLimited extends GatewayProblem {

        private final long retryAfterSeconds;

        public RateLimited(int perSecond, long retryAfterSeconds) {
            super("More than %d requests a second; retry after %d s".formatted(perSecond, retryAfterSeconds));
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The client's address failed authentication too often lately: no key of its is looked at for now. */
    public static final class TooManyFailedAuthentications extends GatewayProblem {

        private final long retryAfterSeconds;

        public TooManyFailedAuthentications(long retryAfterSeconds) {
            super("Too many failed authentications from this address; retry after %d s".formatted(retryAfterSeconds));
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The client accepts no answer the API gives (it answers JSON only). */
    public static final class NotAcceptable extends GatewayProblem {

        public NotAcceptable() {
            super("This API answers JSON (application/json) only; the request was not carried out");
        }
    }

    /** A body sent content-coded (gzip, deflate...): the API reads bodies as they are sent only. */
    public static final class UnsupportedContentEncoding extends GatewayProblem {

        public UnsupportedContentEncoding() {
            super("The request body must be sent as is: no Content-Encoding, or Content-Encoding: identity"
                    + " (gzip, deflate, br and others are not accepted)");
        }
    }

    /**
     * A call that may have been carried out: the service had it, then gave no answer in time or
     * closed the connection without one. Not to be repeated blindly, as it may have placed an order.
     */
    public static final class OutcomeUnknown extends GatewayProblem {

        private final boolean timedOut;

        public OutcomeUnknown(String service, boolean timedOut) {
            super(("%s %s; the request may have been carried out: look at the order (GET /orders) before"
                            + " sending it again, or send it again with the same Idempotency-Key")
                    .formatted(
                            service, timedOut ? "did not answer in time" : "closed the connection without an answer"));
            this.timedOut = timedOut;
        }

        public boolean timedOut() {
            return timedOut;
        }
    }

    /** A service behind the gateway did not answer: down, unreachable, or too slow. */
    public static final class ServiceUnavailable extends GatewayProblem {

        public ServiceUnavailable(String service, String why) {
            super("%s is not available (%s); try again shortly".formatted(service, why));
        }
    }
}
