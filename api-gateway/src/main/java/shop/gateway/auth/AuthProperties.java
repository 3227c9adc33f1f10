package shop.gateway.auth;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;
import shop.defaults.Role;

/**
 * The API keys the gateway accepts.
 *
 * @param apiKeys each key's SHA-256 (hex) and who it stands for; the keys themselves are never
 *     configured, so a leaked configuration leaks no key
 * @param allowDemoKeys whether the documented local demo keys may be among them (only the local
 *     profile sets this)
 */
@ConfigurationProperties("shop.gateway")
@Validated
record AuthProperties(@NotNull @DefaultValue List<@Valid ApiKey> apiKeys, boolean allowDemoKeys) {

    record ApiKey(@NotBlank @Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lower-case hex")
    String sha256, @NotBlank String customer, @NotNull Role role) {
    }
}
