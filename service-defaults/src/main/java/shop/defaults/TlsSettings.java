package shop.defaults;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS, where it is asked for, in one of two ways.
 *
 * <ul>
 *   <li>{@code SHOP_TLS_DIR}, one setting for TLS on every hop: a directory laid out as a Kubernetes
 *       TLS Secret that cert-manager writes ({@code tls.crt}, {@code tls.key}, and {@code ca.crt}
 *       when the issuer has one). The service serves HTTPS with them, and calls the other Shop
 *       services over TLS even where their URL says {@code http}, on the same port.
 *   <li>{@code SHOP_TLS_CERT_FILE} and {@code SHOP_TLS_KEY_FILE} (PEM files): the service serves
 *       HTTPS, and a call to another service is TLS only when that service's URL is {@code https}
 *       (TLS at the edge alone: the gateway's public port).
 * </ul>
 *
 * Either way a client speaking TLS trusts the given CA (or the JDK's own CAs without one) and
 * checks the host name against the certificate.
 *
 * @param certificate {@code SHOP_TLS_CERT_FILE} or {@code tls.crt}: the certificate (chain), PEM
 * @param key {@code SHOP_TLS_KEY_FILE} or {@code tls.key}: its private key, PEM (PKCS#8 or PKCS#1)
 * @param trusted {@code SHOP_TLS_CA_FILE} or {@code ca.crt}: the CA certificates (PEM) the
 *     service's clients trust
 * @param internalHops whether calls to the other Shop services go over TLS whatever their URL's
 *     scheme ({@code SHOP_TLS_DIR})
 */
public record TlsSettings(
        @Nullable Path certificate,
        @Nullable Path key,
        @Nullable Path trusted,
        boolean internalHops) {

    private static final Logger log = LoggerFactory.getLogger(TlsSettings.class);
    private static final List<String> FILE_SETTINGS =
            List.of("SHOP_TLS_CERT_FILE", "SHOP_TLS_KEY_FILE", "SHOP_TLS_CA_FILE");

    public TlsSettings {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException(
                    "SHOP_TLS_CERT_FILE and SHOP_TLS_KEY_FILE go together: set both or neither");
        }
        if (internalHops && certificate == null) {
            // Calling the others over TLS while serving plain HTTP would leave the hops into this service in clear.
            throw new IllegalArgumentException("TLS on internal hops needs the service's own certificate and key");
        }
        for (Path file : new Path[] {certificate, key, trusted}) {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("A TLS file cannot be read: " + file);
            }
        }
    }

    /** Refuses (throws) {@code SHOP_TLS_DIR} with any of the three file settings, or a directory without its files. */
    public static TlsSettings from(Settings settings) {
        Optional<String> dir = settings.optional("SHOP_TLS_DIR");
        if (dir.isPresent()) {
            List<String> alsoSet = FILE_SETTINGS.stream()
                    .filter(name -> settings.optional(name).isPresent())
                    .toList();
            if (!alsoSet.isEmpty()) {
                // Two sources for one certificate: whichever won, the other would be silently ignored.
                throw new IllegalArgumentException("SHOP_TLS_DIR replaces " + String.join(", ", FILE_SETTINGS)
                        + ": set it alone (also set: " + String.join(", ", alsoSet) + ")");
            }
            return fromDirectory(Path.of(dir.get()));
        }
        return new TlsSettings(
                path(settings, "SHOP_TLS_CERT_FILE"),
                path(settings, "SHOP_TLS_KEY_FILE"),
                path(settings, "SHOP_TLS_CA_FILE"),
                false);
    }

    /** {@code tls.crt}, {@code tls.key} and the optional {@code ca.crt} in {@code dir}. */
    static TlsSettings fromDirectory(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
            throw new IllegalArgumentException("SHOP_TLS_DIR is not a directory this service can read: " + dir);
        }
        Path certificate = required(dir, "tls.crt", "the certificate (chain)");
        Path key = required(dir, "tls.key", "its private key");
        Path ca = dir.resolve("ca.crt");
        // An issuer that does not know its CA (ACME) leaves ca.crt out or empty: the JDK's CAs then.
        return new TlsSettings(certificate, key, Files.exists(ca) && size(ca) > 0 ? ca : null, true);
    }

    private static Path required(Path dir, String name, String what) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    "SHOP_TLS_DIR has no readable " + name + " (" + what + ", PEM): " + file);
        }
        return file;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("A TLS file cannot be read: " + file, e);
        }
    }

    private static @Nullable Path path(Settings settings, String name) {
        return settings.optional(name).map(Path::of).orElse(null);
    }

    /** Whether the service serves HTTPS. */
    public boolean serves() {
        return certificate != null;
    }

    /** The server's options, set to serve HTTPS when a certificate is given. */
    HttpServerOptions applyTo(HttpServerOptions options) {
        if (certificate == null || key == null) {
            return options;
        }
        return options.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certificate.toString())
                        .setKeyPath(key.toString()));
    }

    /**
     * The URL to call another Shop service at, given the one configured: with {@code SHOP_TLS_DIR},
     * {@code http://host:port} becomes {@code https://host:port}, the same port (the callee serves
     * TLS where it served HTTP: a URL without a port keeps port 80); otherwise the URL as given.
     * The one place where a hop is decided TLS or not, for every client of a Shop service.
     */
    public URI callee(URI configured) {
        if (!internalHops || !"http".equals(configured.getScheme())) {
            return configured;
        }
        try {
            return new URI(
                    "https",
                    configured.getUserInfo(),
                    configured.getHost(),
                    port(configured),
                    configured.getPath(),
                    configured.getQuery(),
                    configured.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a URL of a service: " + configured, e);
        }
    }

    /**
     * A client's options for {@code service}, configured at {@code configured}: its host and port
     * as defaults, and TLS when the URL to call ({@link #callee}) is {@code https}, trusting the
     * CA. Says at start which hops are TLS, since SHOP_TLS_DIR may make one so against its URL.
     */
    public HttpClientOptions clientOptions(String service, URI configured) {
        URI url = callee(configured);
        boolean https = "https".equals(url.getScheme());
        if (https) {
            log.info(
                    "calls to {} over TLS ({}) at {}",
                    service,
                    url.equals(configured) ? "its URL is https" : "SHOP_TLS_DIR",
                    url);
        }
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(url.getHost())
                .setDefaultPort(port(url))
                .setSsl(https)
                .setVerifyHost(true);
        Optional.ofNullable(trusted)
                .filter(ca -> https)
                .ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        return options;
    }

    /** The default port of a service URL without one. */
    public static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }
}
