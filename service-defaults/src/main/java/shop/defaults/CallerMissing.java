package shop.defaults;

/** A request reached a service without the caller's identity that the gateway adds. */
public class CallerMissing extends RuntimeException {

    CallerMissing(String reason) {
        super(reason);
    }
}
