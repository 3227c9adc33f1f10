package shop.defaults;

import java.time.Duration;

/**
 * How the services prove to each other who is calling.
 *
 * @param key the secret every service signs and checks internal tokens with
 *     ({@code SHOP_INTERNAL_AUTH_KEY}, at least 32 characters, from a Secret)
 * @param ttl how long a token is good for ({@code SHOP_INTERNAL_AUTH_TTL}, 60 s)
 */
public record InternalAuthSettings(String key, Duration ttl) {

    /** The local profile's key: published in the repository, so refused in any other profile. */
    static final String LOCAL_KEY = "local-only-internal-auth-key-never-use-in-production";

    static final String LOCAL_KEY_PREFIX = "local-only-";

    public InternalAuthSettings {
        if (key.length() < 32) {
            throw new IllegalArgumentException("SHOP_INTERNAL_AUTH_KEY must be at least 32 characters");
        }
    }

    public static InternalAuthSettings from(Settings settings) {
        String key = settings.optional("SHOP_INTERNAL_AUTH_KEY").orElseGet(() -> {
            if (!settings.local()) {
                throw new IllegalArgumentException(
                        "SHOP_INTERNAL_AUTH_KEY must be set (32+ characters, from a Secret)");
            }
            return LOCAL_KEY;
        });
        if (key.startsWith(LOCAL_KEY_PREFIX) && !settings.local()) {
            throw new IllegalArgumentException(
                    "SHOP_INTERNAL_AUTH_KEY is the published local key; set a secret one outside the local profile");
        }
        return new InternalAuthSettings(key, settings.duration("SHOP_INTERNAL_AUTH_TTL", Duration.ofSeconds(60)));
    }
}
