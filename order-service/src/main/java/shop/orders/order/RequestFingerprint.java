package shop.orders.order;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A digest of what a placement asks for, to tell a retried request from a different one under
 * the same idempotency key. Of the payment method it takes only the last four characters: a
 * digest of a whole card number could be reversed by trying every number.
 */
final class RequestFingerprint {

    private RequestFingerprint() {}

    /**
     * An order of one item (the demo's body) is digested as before lines were known, so that a
     * request retried across an upgrade matches its key still; an order of lines, line by line.
     */
    static String of(PlaceOrderRequest request, String customer) {
        String method = request.paymentMethod();
        List<String> parts = new ArrayList<>();
        if (request.lines() == null) {
            PlaceOrderRequest.Line only = request.linesAsked().getFirst();
            parts.addAll(List.of(only.item(), String.valueOf(only.quantity()), price(only.price())));
        } else {
            parts.add("lines");
            for (PlaceOrderRequest.Line line : request.lines()) {
                parts.addAll(List.of(line.item(), String.valueOf(line.quantity()), price(line.price())));
            }
        }
        parts.add(request.currency() == null ? "" : request.currency());
        parts.add(customer);
        parts.add(method == null ? "" : method.substring(Math.max(0, method.length() - 4)));
        String canonical = String.join("\u0000", parts);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static String price(@Nullable BigDecimal price) {
        return price == null ? "" : price.stripTrailingZeros().toPlainString();
    }
}
