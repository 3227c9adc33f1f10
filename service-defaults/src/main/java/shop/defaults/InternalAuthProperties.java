package shop.defaults;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the services prove to each other who is calling.
 *
 * @param key the secret every service signs and checks internal tokens with
 *     ({@code SHOP_INTERNAL_AUTH_KEY}, at least 32 characters, from a Secret); none by default,
 *     so a service will not start without one
 * @param ttl how long a token is good for
 * @param required whether this service takes calls only with a valid internal token (all but
 *     the gateway, whose callers are outside)
 * @param allowLocalKey whether the published local key may be used (only the local profile sets this)
 */
@ConfigurationProperties("shop.internal-auth")
@Validated
public record InternalAuthProperties(@NotBlank @Size(min = 32) String key, @NotNull @DefaultValue("60s") Duration ttl,
        @DefaultValue("true") boolean required, boolean allowLocalKey) {

    /** The local profile's key starts with this: it is public, and refused anywhere else. */
    static final String LOCAL_KEY_PREFIX = "local-only-";
}
