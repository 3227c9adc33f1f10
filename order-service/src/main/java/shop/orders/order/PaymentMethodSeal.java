package shop.orders.order;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import shop.defaults.Settings;

/**
 * Seals a pending order's payment method for its row, so that the recovery job can finish the
 * charge after any crash: AES-256-GCM under order-service's own key ({@code SHOP_PAYMENT_METHOD_KEY},
 * 32 bytes in base64, from a Secret), a fresh 96-bit nonce each time, and the order's id as
 * associated data, so that a sealed method copied into another order's row does not open. The
 * clear method is never stored or logged; the sealed one is erased once payment-service holds
 * the charge.
 */
final class PaymentMethodSeal {

    /** The local profile's key: published in the repository, so refused in any other profile. */
    static final String LOCAL_KEY =
            Base64.getEncoder().encodeToString("local-only-payment-method-key!!!".getBytes(StandardCharsets.US_ASCII));

    private static final String VERSION = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    PaymentMethodSeal(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("SHOP_PAYMENT_METHOD_KEY must be 32 bytes (256 bits) in base64");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The seal of {@code SHOP_PAYMENT_METHOD_KEY}; the local profile's published key when it is
     * not set in the local profile; none elsewhere (orders that name a payment method are then
     * refused with 503 rather than acknowledged with a promise that a crash could break).
     */
    static Optional<PaymentMethodSeal> from(Settings settings) {
        Optional<String> configured = settings.optional("SHOP_PAYMENT_METHOD_KEY");
        if (configured.isPresent() && configured.get().equals(LOCAL_KEY) && !settings.local()) {
            throw new IllegalArgumentException(
                    "SHOP_PAYMENT_METHOD_KEY is the published local key; set a secret one outside the local profile");
        }
        Optional<String> key =
                configured.isPresent() ? configured : settings.local() ? Optional.of(LOCAL_KEY) : Optional.empty();
        return key.map(base64 -> {
            try {
                return new PaymentMethodSeal(Base64.getDecoder().decode(base64));
            } catch (IllegalArgumentException notBase64) {
                throw new IllegalArgumentException("SHOP_PAYMENT_METHOD_KEY must be 32 bytes (256 bits) in base64");
            }
        });
    }

    String seal(UUID orderId, String paymentMethod) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, orderId, nonce);
            byte[] sealed = cipher.doFinal(paymentMethod.getBytes(StandardCharsets.US_ASCII));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return VERSION + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @throws IllegalArgumentException if it was not sealed for this order with this key */
    String open(UUID orderId, String sealed) {
        try {
            if (!sealed.startsWith(VERSION)) {
                throw new IllegalArgumentException("not a sealed payment method");
            }
            byte[] in = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
            if (in.length <= NONCE_BYTES) {
                throw new IllegalArgumentException("not a sealed payment method");
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, orderId, java.util.Arrays.copyOf(in, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The payment method was not sealed for this order with this key");
        }
    }

    private Cipher cipher(int mode, UUID orderId, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(ByteBuffer.allocate(16)
                .putLong(orderId.getMostSignificantBits())
                .putLong(orderId.getLeastSignificantBits())
                .array());
        return cipher;
    }
}
