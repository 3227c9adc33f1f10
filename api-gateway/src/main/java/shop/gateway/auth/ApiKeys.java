package shop.gateway.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import shop.defaults.Caller;
import shop.defaults.Role;
import shop.defaults.Settings;
import shop.defaults.StrictJson;

/**
 * Looks up the caller an API key stands for, by the key's SHA-256: the keys themselves are in no
 * configuration, so a leaked configuration leaks no key. The local profile adds the three demo
 * keys the README publishes; any other profile refuses them.
 */
final class ApiKeys {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /** The keys the README publishes for the local profile: valid nowhere else. */
    static final List<ApiKey> DEMO_KEYS = List.of(
            new ApiKey(sha256("local-admin-key"), "admin", Role.ADMIN),
            new ApiKey(sha256("local-gregor-key"), "Gregor", Role.CUSTOMER),
            new ApiKey(sha256("local-alice-key"), "Alice", Role.CUSTOMER));

    /** One configured key: its SHA-256 in lower-case hex, and whom it stands for. */
    record ApiKey(String sha256, String customer, Role role) {

        ApiKey {
            if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException(
                        "SHOP_GATEWAY_API_KEYS: each sha256 must be a SHA-256 in lower-case hex (64 characters)");
            }
            if (customer == null || customer.isBlank()) {
                throw new IllegalArgumentException("SHOP_GATEWAY_API_KEYS: each key needs a customer");
            }
            if (role == null) {
                throw new IllegalArgumentException("SHOP_GATEWAY_API_KEYS: each key needs a role (customer or admin)");
            }
        }
    }

    /** The form of {@code SHOP_GATEWAY_API_KEYS}: {@code [{"sha256":..,"customer":..,"role":"customer|admin"}]}. */
    private record ConfiguredKey(String sha256, String customer, String role) {}

    private final Map<String, Caller> callersByHash;

    ApiKeys(List<ApiKey> keys, boolean local) {
        if (!local
                && keys.stream()
                        .anyMatch(key -> DEMO_KEYS.stream()
                                .anyMatch(demo -> demo.sha256().equals(key.sha256())))) {
            throw new IllegalArgumentException(
                    "SHOP_GATEWAY_API_KEYS holds a published local demo key outside the local profile: configure keys of your own");
        }
        List<ApiKey> all = new ArrayList<>(keys);
        if (local) {
            all.addAll(DEMO_KEYS);
        }
        this.callersByHash = all.stream()
                .collect(Collectors.toUnmodifiableMap(
                        ApiKey::sha256, key -> new Caller(key.customer(), key.role()), (first, second) -> first));
    }

    /** The configured keys ({@code SHOP_GATEWAY_API_KEYS}), and the demo keys in the local profile. */
    static ApiKeys from(Settings settings) {
        List<ApiKey> keys =
                settings.optional("SHOP_GATEWAY_API_KEYS").map(ApiKeys::parse).orElse(List.of());
        return new ApiKeys(keys, settings.local());
    }

    boolean isEmpty() {
        return callersByHash.isEmpty();
    }

    Optional<Caller> callerFor(String apiKey) {
        return Optional.ofNullable(callersByHash.get(sha256(apiKey)));
    }

    static String sha256(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static List<ApiKey> parse(String json) {
        List<ConfiguredKey> configured;
        try {
            configured = StrictJson.mapper().readValue(json, new TypeReference<List<ConfiguredKey>>() {});
        } catch (Exception e) {
            // The message would quote the configuration, which holds no key but is nobody's business in a log.
            throw new IllegalArgumentException(
                    "SHOP_GATEWAY_API_KEYS must be a JSON array of {\"sha256\",\"customer\",\"role\"}");
        }
        return configured.stream().map(ApiKeys::toKey).toList();
    }

    private static ApiKey toKey(ConfiguredKey key) {
        Function<String, Role> role = name -> {
            try {
                return Role.valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("SHOP_GATEWAY_API_KEYS: a role must be customer or admin");
            }
        };
        return new ApiKey(key.sha256(), key.customer(), key.role() == null ? null : role.apply(key.role()));
    }
}
