package shop.gateway.routing;

/** A service behind the gateway did not answer. */
class DownstreamUnavailable extends RuntimeException {

    DownstreamUnavailable(String service, Throwable cause) {
        super(service + " is not available; try again shortly", cause);
    }
}
