package shop.testing;

import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.InternalAuthSettings;
import shop.defaults.InternalTokens;
import shop.defaults.Role;
import shop.defaults.Settings;

/** Internal tokens for tests that call a service directly, as another Shop service would. */
public final class TestTokens {

    /** The internal-auth key of the services under test. */
    public static final String KEY = "test-internal-auth-key-used-by-tests-only";

    private TestTokens() {}

    /** Gives the service under test the tests' key. */
    public static Settings register(Settings settings) {
        return settings.with("SHOP_INTERNAL_AUTH_KEY", KEY);
    }

    /** {@code Bearer} and a token from {@code from} to {@code to}, for an end user or none. */
    public static String bearer(String from, String to, @Nullable Caller caller) {
        return "Bearer " + tokens(from, KEY).issue(to, caller);
    }

    /** As the gateway calls for a customer. */
    public static String customer(String to, String customer) {
        return bearer("api-gateway", to, new Caller(customer, Role.CUSTOMER));
    }

    /** As the gateway calls for an admin. */
    public static String admin(String to) {
        return bearer("api-gateway", to, new Caller("admin", Role.ADMIN));
    }

    /** The tokens of a service named {@code service}, with the given key. */
    public static InternalTokens tokens(String service, String key) {
        return new InternalTokens(service, new InternalAuthSettings(key, Duration.ofSeconds(60)), Clock.systemUTC());
    }
}
