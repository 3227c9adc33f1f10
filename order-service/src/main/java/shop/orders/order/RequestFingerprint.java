package shop.orders.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A digest of what a placement asks for, to tell a retried request from a different one under
 * the same idempotency key. Of the payment method it takes only the last four characters: a
 * digest of a whole card number could be reversed by trying every number.
 */
final class RequestFingerprint {

    private RequestFingerprint() {}

    static String of(PlaceOrderRequest request, String customer) {
        String method = request.paymentMethod();
        String canonical = String.join(
                "\u0000",
                request.item(),
                String.valueOf(request.quantityOrOne()),
                request.price() == null
                        ? ""
                        : request.price().stripTrailingZeros().toPlainString(),
                request.currency() == null ? "" : request.currency(),
                customer,
                method == null ? "" : method.substring(Math.max(0, method.length() - 4)));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
