package shop.gateway.auth;

import java.net.URI;

import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * OAuth2/OIDC bearer tokens (JWTs), accepted beside API keys when an issuer is configured.
 *
 * @param issuer the identity provider ({@code iss}); its keys are found through
 *     {@code <issuer>/.well-known/openid-configuration}. None: JWTs are not accepted.
 * @param audience what the token must be meant for ({@code aud})
 * @param customerClaim the claim that names the customer
 * @param rolesClaim a claim with a list of roles; {@code admin} among them makes an admin
 */
@ConfigurationProperties("shop.gateway.oidc")
@Validated
record OidcProperties(@Nullable URI issuer, @NotBlank @DefaultValue("shop") String audience,
        @NotBlank @DefaultValue("sub") String customerClaim, @NotBlank @DefaultValue("roles") String rolesClaim) {

    boolean enabled() {
        return issuer != null;
    }
}
