package shop.defaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a service proves to another who is calling, and checks who calls it.
 *
 * @param service this service's name
 * @param callees the services it calls (it must hold a key for each)
 * @param inline keys given in {@code SHOP_INTERNAL_AUTH_KEYS} (from a Secret), or empty
 * @param file the file of keys {@code SHOP_INTERNAL_AUTH_KEYS_FILE} names (a Secret mounted as a
 *     volume, or {@code ./shop run}'s own), read again when it changes, or null
 * @param local whether the service runs in the local profile (which alone takes the published keys)
 * @param ttl how long a token is good for ({@code SHOP_INTERNAL_AUTH_TTL}, 60 s)
 * @param reloadEvery how often the file is looked at for a change ({@code SHOP_INTERNAL_AUTH_KEYS_RELOAD}, 5 s)
 */
public record InternalAuthSettings(
        String service,
        List<String> callees,
        String inline,
        @Nullable Path file,
        boolean local,
        Duration ttl,
        Duration reloadEvery) {

    public static InternalAuthSettings from(Settings settings, String service, List<String> callees) {
        if (settings.optional("SHOP_INTERNAL_AUTH_KEY").isPresent()) {
            throw new IllegalArgumentException("SHOP_INTERNAL_AUTH_KEY (one key every service shared) is no longer"
                    + " read: give each pair of services its own key in SHOP_INTERNAL_AUTH_KEYS or"
                    + " SHOP_INTERNAL_AUTH_KEYS_FILE (docs/security.md)");
        }
        InternalAuthSettings read = new InternalAuthSettings(
                service,
                List.copyOf(callees),
                settings.text("SHOP_INTERNAL_AUTH_KEYS", ""),
                settings.optional("SHOP_INTERNAL_AUTH_KEYS_FILE").map(Path::of).orElse(null),
                settings.local(),
                settings.positiveDuration("SHOP_INTERNAL_AUTH_TTL", Duration.ofSeconds(60)),
                settings.positiveDuration("SHOP_INTERNAL_AUTH_KEYS_RELOAD", Duration.ofSeconds(5)));
        read.keys(read.fileText().orElse(null)); // refuses bad keys at start
        return read;
    }

    /** The file's text now, if there is a file. */
    Optional<String> fileText() {
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("SHOP_INTERNAL_AUTH_KEYS_FILE cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The keys of the inline setting and the file's {@code text}, checked for this service; the
     * local profile's published ones when neither holds any, in the local profile alone.
     */
    InternalKeys keys(@Nullable String fileText) {
        String text = inline + "\n" + (fileText == null ? "" : fileText);
        InternalKeys keys = InternalKeys.parse(text, "SHOP_INTERNAL_AUTH_KEYS" + (file == null ? "" : "(_FILE)"));
        if (keys.all().isEmpty()) {
            if (!local) {
                throw new IllegalArgumentException("SHOP_INTERNAL_AUTH_KEYS or SHOP_INTERNAL_AUTH_KEYS_FILE must"
                        + " give " + service + " the keys of its pairs of services (docs/security.md)");
            }
            keys = InternalKeys.local(service);
        }
        return keys.checkFor(service, callees, local, "SHOP_INTERNAL_AUTH_KEYS");
    }
}
