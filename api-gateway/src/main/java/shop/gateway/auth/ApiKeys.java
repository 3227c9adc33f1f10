package shop.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import shop.defaults.Caller;

/**
 * Looks up the caller an API key stands for. Refuses to start with no credentials at all (no
 * keys and no OIDC issuer), or with the published demo keys outside the local profile.
 */
@Component
class ApiKeys {

    /** The keys the README publishes for the local profile: never valid anywhere else. */
    private static final Set<String> DEMO_KEYS = Set.of("local-admin-key", "local-gregor-key", "local-alice-key");

    private final Map<String, Caller> callersByHash;

    ApiKeys(AuthProperties properties, OidcProperties oidc) {
        if (properties.apiKeys().isEmpty() && !oidc.enabled()) {
            throw new IllegalStateException(
                    "No credentials configured: set shop.gateway.api-keys or shop.gateway.oidc.issuer");
        }
        boolean demoKeyConfigured = properties.apiKeys().stream()
            .anyMatch(key -> DEMO_KEYS.stream().map(ApiKeys::sha256).anyMatch(key.sha256()::equals));
        if (demoKeyConfigured && !properties.allowDemoKeys()) {
            throw new IllegalStateException(
                    "The local demo API keys are configured outside the local profile: configure your own keys");
        }
        this.callersByHash = properties.apiKeys().stream()
            .collect(Collectors.toUnmodifiableMap(AuthProperties.ApiKey::sha256,
                    key -> new Caller(key.customer(), key.role()), (first, second) -> first));
    }

    Optional<Caller> callerFor(String apiKey) {
        return Optional.ofNullable(callersByHash.get(sha256(apiKey)));
    }

    static String sha256(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
