package shop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import shop.defaults.Caller;
import shop.defaults.Role;

class ApiKeysTest {

    @Test
    void findsTheCallerOfAKeyFromItsHashOnly() {
        var keys = new ApiKeys(new AuthProperties(
                List.of(new AuthProperties.ApiKey(ApiKeys.sha256("s3cret-key"), "Gregor", Role.CUSTOMER)), false));
        assertThat(keys.callerFor("s3cret-key")).contains(new Caller("Gregor", Role.CUSTOMER));
        assertThat(keys.callerFor("s3cret-key ")).isEmpty();
        assertThat(keys.callerFor("other")).isEmpty();
    }

    @Test
    void refusesToStartWithoutKeys() {
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(List.of(), false)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("No API keys");
    }

    @Test
    void refusesTheDemoKeysOutsideTheLocalProfile() {
        var demo = List.of(new AuthProperties.ApiKey(ApiKeys.sha256("local-admin-key"), "admin", Role.ADMIN));
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(demo, false)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("demo");
        assertThat(new ApiKeys(new AuthProperties(demo, true)).callerFor("local-admin-key")).isPresent();
    }
}
