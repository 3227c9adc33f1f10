package shop.gateway.contract;

import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;

/**
 * Decides the form of the answer before anything happens: the API answers JSON, so a request
 * whose {@code Accept} rules JSON out is refused (406) before it is passed on, never after an
 * order was placed or a refund made. A browser's default ({@code text/html,...,*}{@code /*;q=0.8})
 * accepts anything, so it gets JSON.
 */
public final class Negotiation {

    private Negotiation() {}

    /** The handler: passes a request that accepts {@code application/json}, refuses any other. */
    public static void requireJsonAnswer(RoutingContext context) {
        if (acceptsJson(context.parsedHeaders().accept())) {
            context.next();
        } else {
            GatewayProblems.fail(context, new GatewayProblem.NotAcceptable());
        }
    }

    /**
     * Whether the most specific range that covers {@code application/json} has a weight above 0
     * (RFC 9110 12.5.1); no {@code Accept} at all accepts anything.
     */
    static boolean acceptsJson(List<MIMEHeader> accept) {
        if (accept.isEmpty()) {
            return true;
        }
        int bestSpecificity = 0;
        float weight = 0;
        for (MIMEHeader range : accept) {
            int specificity = specificity(range);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                weight = range.weight();
            }
        }
        return bestSpecificity > 0 && weight > 0;
    }

    private static int specificity(MIMEHeader range) {
        String type = range.component();
        String subtype = range.subComponent();
        if ("application".equalsIgnoreCase(type) && "json".equalsIgnoreCase(subtype)) {
            return 3;
        }
        if ("application".equalsIgnoreCase(type) && "*".equals(subtype)) {
            return 2;
        }
        return "*".equals(type) && "*".equals(subtype) ? 1 : 0;
    }
}
