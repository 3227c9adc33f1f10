package shop.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate for the tests' TLS: self-signed for {@code localhost} and {@code 127.0.0.1}, valid
 * until 2126, so it is its own CA. Published in the repository: for tests only.
 */
public final class TestTls {

    private static Path dir;

    private TestTls() {}

    /** The certificate (and CA) file, PEM. */
    public static synchronized Path certificate() {
        return files().resolve("certificate.pem");
    }

    /** Its private key, PEM. */
    public static synchronized Path key() {
        return files().resolve("key.pem");
    }

    /**
     * The certificate as a mounted Kubernetes TLS Secret: a directory with {@code tls.crt}, {@code
     * tls.key} and {@code ca.crt} (the certificate again: it is its own CA), for {@code SHOP_TLS_DIR}.
     */
    public static synchronized Path directory() {
        Path secret = files().resolve("secret");
        if (!Files.isDirectory(secret)) {
            try {
                Files.createDirectory(secret);
                Files.copy(certificate(), secret.resolve("tls.crt"));
                Files.copy(key(), secret.resolve("tls.key"));
                Files.copy(certificate(), secret.resolve("ca.crt"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secret;
    }

    /**
     * The settings that make a service serve TLS with this certificate and trust it in its clients
     * for {@code https} URLs: the three file settings, not {@link #directory()}.
     */
    public static Map<String, String> settings() {
        return Map.of(
                "SHOP_TLS_CERT_FILE", certificate().toString(),
                "SHOP_TLS_KEY_FILE", key().toString(),
                "SHOP_TLS_CA_FILE", certificate().toString());
    }

    /** A TLS context that trusts this certificate alone, for the JDK's HTTP client. */
    public static SSLContext trustingIt() {
        return trusting(certificate());
    }

    /** A TLS context that trusts the certificate (PEM) in {@code file} alone. */
    public static SSLContext trusting(Path file) {
        try (InputStream pem = Files.newInputStream(file)) {
            X509Certificate certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("shop-test", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("The tests' certificate cannot be trusted", e);
        }
    }

    private static synchronized Path files() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("shop-test-tls");
                for (String name : new String[] {"certificate.pem", "key.pem"}) {
                    try (InputStream file = TestTls.class.getResourceAsStream("tls/" + name)) {
                        Files.copy(file, dir.resolve(name));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }
}
