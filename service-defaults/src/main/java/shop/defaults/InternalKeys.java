package shop.defaults;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys of internal authentication: one HMAC key per pair of services, caller to callee, each
 * named by a {@code kid}. A service holds the keys of the pairs it is part of and no other, so the
 * holder of one pair's key can speak as that caller to that callee only: the gateway, holding
 * {@code api-gateway → order-service} and {@code api-gateway → payment-service}, cannot sign as
 * order-service. Written one key a line, {@code <from> <to> <kid> <key>}, the key base64 of 32 or
 * more random bytes; blank lines and {@code #} comments are skipped. Of a pair's keys the first
 * listed signs and every one listed is accepted, which is how a key is rotated without a refused
 * call (docs/security.md, "Rotating keys").
 */
public final class InternalKeys {

    private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MIN_KEY_BYTES = 32;
    private static final String LOCAL_PREFIX = "local-";

    /** One pair's key. */
    public record Key(String from, String to, String kid, byte[] secret) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && from.equals(key.from)
                    && to.equals(key.to)
                    && kid.equals(key.kid)
                    && MessageDigest.isEqual(secret, key.secret);
        }

        @Override
        public int hashCode() {
            return kid.hashCode();
        }

        @Override
        public String toString() {
            return from + " -> " + to + " (kid " + kid + ")";
        }
    }

    private final List<Key> keys;

    private InternalKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static InternalKeys of(List<Key> keys) {
        Set<String> kids = new HashSet<>();
        for (Key key : keys) {
            if (!kids.add(key.kid())) {
                throw new IllegalArgumentException("internal keys: the kid " + key.kid() + " is used twice");
            }
        }
        return new InternalKeys(keys);
    }

    /**
     * Reads keys written one a line ({@code <from> <to> <kid> <base64 key>}); {@code source} names
     * where they came from in a refusal, which never quotes a key.
     */
    public static InternalKeys parse(String text, String source) {
        List<Key> keys = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 4) {
                throw new IllegalArgumentException(where + " must be <from> <to> <kid> <base64 key>");
            }
            if (!SERVICE.matcher(fields[0]).matches()
                    || !SERVICE.matcher(fields[1]).matches()) {
                throw new IllegalArgumentException(where + ": <from> and <to> must be service names");
            }
            if (!KID.matcher(fields[2]).matches()) {
                throw new IllegalArgumentException(where + ": a kid is 1-64 letters, digits, '.', '_' or '-'");
            }
            byte[] secret;
            try {
                secret = fields[3].contains("-") || fields[3].contains("_")
                        ? Base64.getUrlDecoder().decode(fields[3])
                        : Base64.getDecoder().decode(fields[3]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": the key is not base64");
            }
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException(where + ": the key must be " + MIN_KEY_BYTES + " bytes or more");
            }
            keys.add(new Key(fields[0], fields[1], fields[2], secret));
        }
        return of(keys);
    }

    /**
     * The local profile's keys, one per pair {@code service} is part of: derived from the pair's
     * names, so published (anyone can compute them) and refused in any other profile. {@code ./shop
     * run} does not use them: it gives each run fresh random keys.
     */
    public static InternalKeys local(String service) {
        return new InternalKeys(Topology.SHOP.pairs().stream()
                .filter(pair -> pair.includes(service))
                .map(pair -> localKey(pair.from(), pair.to()))
                .toList());
    }

    private static Key localKey(String from, String to) {
        try {
            byte[] secret = MessageDigest.getInstance("SHA-256")
                    .digest(("shop local-only internal key " + from + " " + to).getBytes(StandardCharsets.UTF_8));
            return new Key(from, to, LOCAL_PREFIX + from + "-to-" + to, secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    public List<Key> all() {
        return keys;
    }

    /** The key {@code from} signs its calls to {@code to} with: the pair's first. */
    public Optional<Key> signing(String from, String to) {
        return keys.stream()
                .filter(key -> key.from().equals(from) && key.to().equals(to))
                .findFirst();
    }

    /**
     * Refuses keys a service must not hold: a pair it is not part of (it could speak for another
     * service), none for a service it calls, or the local profile's published keys outside it.
     */
    InternalKeys checkFor(String service, List<String> callees, boolean local, String source) {
        for (Key key : keys) {
            if (!key.from().equals(service) && !key.to().equals(service)) {
                throw new IllegalArgumentException(source + " holds the key of " + key + ", a pair " + service
                        + " is not part of:" + " give each service the keys of its own pairs only");
            }
            boolean published = key.kid().startsWith(LOCAL_PREFIX)
                    || Arrays.equals(
                            key.secret(), localKey(key.from(), key.to()).secret());
            if (published && !local) {
                throw new IllegalArgumentException(source + " holds the published local key " + key
                        + "; set secret ones outside the local profile");
            }
        }
        for (String callee : callees) {
            if (signing(service, callee).isEmpty()) {
                throw new IllegalArgumentException(
                        source + " has no key for " + service + " -> " + callee + " (" + service + " calls it)");
            }
        }
        return this;
    }
}
