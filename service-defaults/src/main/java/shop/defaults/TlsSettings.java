package shop.defaults;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * TLS, where it is asked for. A service given a certificate and its key (PEM files) serves HTTPS
 * on its port instead of HTTP; a client of another service speaks TLS when that service's URL is
 * {@code https}, trusting the CA of {@code SHOP_TLS_CA_FILE} (or the JDK's own CAs without one) and
 * checking the host name against the certificate.
 *
 * @param certificate {@code SHOP_TLS_CERT_FILE}: the certificate (chain), PEM
 * @param key {@code SHOP_TLS_KEY_FILE}: its private key, PEM (PKCS#8 or PKCS#1)
 * @param trusted {@code SHOP_TLS_CA_FILE}: the CA certificates (PEM) the service's clients trust
 */
public record TlsSettings(
        @Nullable Path certificate,
        @Nullable Path key,
        @Nullable Path trusted) {

    public TlsSettings {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException(
                    "SHOP_TLS_CERT_FILE and SHOP_TLS_KEY_FILE go together: set both or neither");
        }
        for (Path file : new Path[] {certificate, key, trusted}) {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("A TLS file cannot be read: " + file);
            }
        }
    }

    public static TlsSettings from(Settings settings) {
        return new TlsSettings(
                path(settings, "SHOP_TLS_CERT_FILE"),
                path(settings, "SHOP_TLS_KEY_FILE"),
                path(settings, "SHOP_TLS_CA_FILE"));
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

    /** A client's options for a service at {@code url}: TLS when it is {@code https}, with the trusted CA. */
    public HttpClientOptions applyTo(HttpClientOptions options, URI url) {
        boolean https = "https".equals(url.getScheme());
        options.setSsl(https).setVerifyHost(true);
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
