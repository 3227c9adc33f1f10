package shop.gateway.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import shop.defaults.Settings;

/**
 * OAuth2/OIDC bearer tokens (JWTs), accepted beside API keys when an issuer is configured.
 *
 * @param issuer the identity provider ({@code iss}, {@code SHOP_GATEWAY_OIDC_ISSUER}); its keys are
 *     found through {@code <issuer>/.well-known/openid-configuration}
 * @param audience what a token must be meant for ({@code aud}, {@code SHOP_GATEWAY_OIDC_AUDIENCE}, default {@code shop})
 * @param customerClaim the claim that names the customer ({@code SHOP_GATEWAY_OIDC_CUSTOMER_CLAIM}, default {@code sub})
 * @param rolesClaim a claim with a list of roles; {@code admin} among them makes an admin
 *     ({@code SHOP_GATEWAY_OIDC_ROLES_CLAIM}, default {@code roles})
 * @param refresh how often the issuer's keys are fetched again ({@code SHOP_GATEWAY_OIDC_REFRESH}, 15 min)
 * @param unknownKeyRefetch the least time between two fetches of the keys that tokens naming an
 *     unknown {@code kid} cause ({@code SHOP_GATEWAY_OIDC_UNKNOWN_KEY_REFETCH}, 30 s): a flood of
 *     such tokens costs the issuer one request in that time
 */
record OidcSettings(
        URI issuer,
        String audience,
        String customerClaim,
        String rolesClaim,
        Duration refresh,
        Duration unknownKeyRefetch) {

    /** The settings, or empty when no issuer is configured (no JWT is accepted then). */
    static Optional<OidcSettings> from(Settings settings) {
        return settings.optional("SHOP_GATEWAY_OIDC_ISSUER").map(issuer -> {
            URI uri;
            try {
                uri = URI.create(issuer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SHOP_GATEWAY_OIDC_ISSUER must be a URL");
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("SHOP_GATEWAY_OIDC_ISSUER must be an http(s) URL");
            }
            return new OidcSettings(
                    uri,
                    settings.text("SHOP_GATEWAY_OIDC_AUDIENCE", "shop"),
                    settings.text("SHOP_GATEWAY_OIDC_CUSTOMER_CLAIM", "sub"),
                    settings.text("SHOP_GATEWAY_OIDC_ROLES_CLAIM", "roles"),
                    settings.positiveDuration("SHOP_GATEWAY_OIDC_REFRESH", Duration.ofMinutes(15)),
                    settings.positiveDuration("SHOP_GATEWAY_OIDC_UNKNOWN_KEY_REFETCH", Duration.ofSeconds(30)));
        });
    }
}
