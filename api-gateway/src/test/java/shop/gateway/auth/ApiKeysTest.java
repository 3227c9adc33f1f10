package shop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import shop.defaults.Caller;
import shop.defaults.Role;

class ApiKeysTest {

    private static final OidcProperties NO_OIDC = new OidcProperties(null, "shop", "sub", "roles");

    @Test
    void findsTheCallerOfAKeyFromItsHashOnly() {
        var keys = new ApiKeys(new AuthProperties(
                List.of(new AuthProperties.ApiKey(ApiKeys.sha256("s3cret-key"), "Gregor", Role.CUSTOMER)), false),
                NO_OIDC);
        assertThat(keys.callerFor("s3cret-key")).contains(new Caller("Gregor", Role.CUSTOMER));
        assertThat(keys.callerFor("s3cret-key ")).isEmpty();
        assertThat(keys.callerFor("other")).isEmpty();
    }

    @Test
    void refusesToStartWithoutAnyCredentials() {
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(List.of(), false), NO_OIDC))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("No credentials");
        var oidcOnly = new OidcProperties(URI.create("https://id.example"), "shop", "sub", "roles");
        assertThat(new ApiKeys(new AuthProperties(List.of(), false), oidcOnly).callerFor("anything")).isEmpty();
    }

    @Test
    void refusesTheDemoKeysOutsideTheLocalProfile() {
        var demo = List.of(new AuthProperties.ApiKey(ApiKeys.sha256("local-admin-key"), "admin", Role.ADMIN));
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(demo, false), NO_OIDC))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("demo");
        assertThat(new ApiKeys(new AuthProperties(demo, true), NO_OIDC).callerFor("local-admin-key")).isPresent();
    }
}
