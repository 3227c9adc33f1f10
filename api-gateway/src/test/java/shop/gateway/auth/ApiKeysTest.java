package shop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shop.defaults.Caller;
import shop.defaults.Role;
import shop.defaults.Settings;

class ApiKeysTest {

    @Test
    void findsTheCallerOfAKeyFromItsHashOnly() {
        var keys =
                new ApiKeys(List.of(new ApiKeys.ApiKey(ApiKeys.sha256("s3cret-key"), "Gregor", Role.CUSTOMER)), false);
        assertThat(keys.callerFor("s3cret-key")).contains(new Caller("Gregor", Role.CUSTOMER));
        assertThat(keys.callerFor("s3cret-key ")).isEmpty();
        assertThat(keys.callerFor("other")).isEmpty();
        assertThat(keys.callerFor("local-gregor-key"))
                .as("no demo key outside the local profile")
                .isEmpty();
    }

    @Test
    void readsTheKeysFromTheEnvironmentAsJson() {
        String json = """
                [{"sha256":"%s","customer":"Gregor","role":"customer"},
                 {"sha256":"%s","customer":"ops","role":"ADMIN"}]""".formatted(ApiKeys.sha256("key-1"), ApiKeys.sha256("key-2"));
        var keys = ApiKeys.from(Settings.of(Map.of("SHOP_GATEWAY_API_KEYS", json)));
        assertThat(keys.callerFor("key-1")).contains(new Caller("Gregor", Role.CUSTOMER));
        assertThat(keys.callerFor("key-2")).contains(new Caller("ops", Role.ADMIN));
    }

    @Test
    void refusesKeysThatAreNotHashesOrNameNobody() {
        for (String json : List.of(
                "not json",
                "[{\"sha256\":\"s3cret-key\",\"customer\":\"Gregor\",\"role\":\"customer\"}]",
                "[{\"sha256\":\"%s\",\"customer\":\" \",\"role\":\"customer\"}]".formatted(ApiKeys.sha256("k")),
                "[{\"sha256\":\"%s\",\"customer\":\"Gregor\",\"role\":\"root\"}]".formatted(ApiKeys.sha256("k")),
                "[{\"sha256\":\"%s\",\"customer\":\"Gregor\",\"role\":\"customer\",\"key\":\"k\"}]"
                        .formatted(ApiKeys.sha256("k")))) {
            assertThatThrownBy(() -> ApiKeys.from(Settings.of(Map.of("SHOP_GATEWAY_API_KEYS", json))))
                    .as(json)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SHOP_GATEWAY_API_KEYS")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void refusesToStartWithoutAnyCredentials() {
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> Authentication.from(Settings.of(Map.of()), vertx))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("No credentials");
            assertThat(Authentication.from(
                            Settings.of(Map.of("SHOP_GATEWAY_OIDC_ISSUER", "https://id.example")), vertx))
                    .as("an issuer alone will do")
                    .isNotNull();
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void configuresTheDemoKeysInTheLocalProfileOnlyAndRefusesThemElsewhere() {
        var local = ApiKeys.from(Settings.of(Map.of("SHOP_PROFILE", "local")));
        assertThat(local.callerFor("local-admin-key")).contains(new Caller("admin", Role.ADMIN));
        assertThat(local.callerFor("local-gregor-key")).contains(new Caller("Gregor", Role.CUSTOMER));
        assertThat(local.callerFor("local-alice-key")).contains(new Caller("Alice", Role.CUSTOMER));

        assertThat(ApiKeys.from(Settings.of(Map.of())).isEmpty()).isTrue();
        String demo = "[{\"sha256\":\"%s\",\"customer\":\"admin\",\"role\":\"admin\"}]"
                .formatted(ApiKeys.sha256("local-admin-key"));
        assertThatThrownBy(() -> ApiKeys.from(Settings.of(Map.of("SHOP_GATEWAY_API_KEYS", demo))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo");
    }
}
