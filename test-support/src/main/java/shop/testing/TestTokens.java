package shop.testing;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;
import shop.defaults.Caller;
import shop.defaults.InternalAuthProperties;
import shop.defaults.InternalTokens;
import shop.defaults.Role;

/** Internal tokens for tests that call a service directly, as another Shop service would. */
public final class TestTokens {

    /** The internal-auth key of the services under test. */
    public static final String KEY = "test-internal-auth-key-used-by-tests-only";

    private TestTokens() {
    }

    /** Gives the service under test the tests' key. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("shop.internal-auth.key", () -> KEY);
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
        return new InternalTokens(service, new InternalAuthProperties(key, Duration.ofSeconds(60), true, true),
                Clock.systemUTC());
    }
}
