package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void servesPlainHttpAndCallsPlainUrlsWithoutAnySetting() {
        TlsSettings none = TlsSettings.from(Settings.of(Map.of()));
        assertThat(none.serves()).isFalse();
        assertThat(none.applyTo(new HttpServerOptions()).isSsl()).isFalse();
        URI url = URI.create("http://payment-service.shop:8082");
        assertThat(none.callee(url)).isEqualTo(url);
        HttpClientOptions client = none.clientOptions("payment-service", url);
        assertThat(client.isSsl()).isFalse();
        assertThat(client.getDefaultHost()).isEqualTo("payment-service.shop");
        assertThat(client.getDefaultPort()).isEqualTo(8082);
    }

    @Test
    void servesHttpsWithACertificateAndTrustsTheCaForHttpsUrlsOnly() throws Exception {
        Path certificate = Files.writeString(dir.resolve("certificate.pem"), "-");
        Path key = Files.writeString(dir.resolve("key.pem"), "-");
        TlsSettings tls = TlsSettings.from(Settings.of(Map.of(
                "SHOP_TLS_CERT_FILE", certificate.toString(),
                "SHOP_TLS_KEY_FILE", key.toString(),
                "SHOP_TLS_CA_FILE", certificate.toString())));
        assertThat(tls.serves()).isTrue();
        assertThat(tls.internalHops()).isFalse();
        assertThat(tls.applyTo(new HttpServerOptions()).isSsl()).isTrue();
        HttpClientOptions https = tls.clientOptions("payment-service", URI.create("https://payment-service.shop"));
        assertThat(https.isSsl()).isTrue();
        assertThat(https.isVerifyHost()).isTrue();
        assertThat(https.getDefaultPort()).isEqualTo(443);
        assertThat(((PemTrustOptions) https.getTrustOptions()).getCertPaths()).containsExactly(certificate.toString());
        assertThat(TlsSettings.port(URI.create("https://payment-service.shop"))).isEqualTo(443);
        URI plain = URI.create("http://127.0.0.1:8082");
        assertThat(tls.callee(plain))
                .as("edge TLS only: an http URL stays http")
                .isEqualTo(plain);
        assertThat(tls.clientOptions("payment-service", plain).isSsl()).isFalse();
    }

    @Test
    void refusesACertificateWithoutItsKeyOrAFileItCannotRead() throws Exception {
        Path certificate = Files.writeString(dir.resolve("certificate.pem"), "-");
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(Map.of("SHOP_TLS_CERT_FILE", certificate.toString()))))
                .hasMessageContaining("SHOP_TLS_CERT_FILE and SHOP_TLS_KEY_FILE go together");
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(
                        Map.of("SHOP_TLS_CA_FILE", dir.resolve("missing.pem").toString()))))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void readsASecretsDirectoryAndServesAndCallsOverTls() throws Exception {
        Path secret = secret(true);
        TlsSettings tls = TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", secret.toString())));
        assertThat(tls.certificate()).isEqualTo(secret.resolve("tls.crt"));
        assertThat(tls.key()).isEqualTo(secret.resolve("tls.key"));
        assertThat(tls.trusted()).isEqualTo(secret.resolve("ca.crt"));
        assertThat(tls.internalHops()).isTrue();
        HttpServerOptions server = tls.applyTo(new HttpServerOptions());
        assertThat(server.isSsl()).isTrue();
        assertThat(((PemKeyCertOptions) server.getKeyCertOptions()).getCertPaths())
                .containsExactly(secret.resolve("tls.crt").toString());

        HttpClientOptions client = tls.clientOptions("payment-service", URI.create("http://payment-service.shop:8082"));
        assertThat(client.isSsl()).as("an http URL is called over TLS").isTrue();
        assertThat(client.isVerifyHost()).isTrue();
        assertThat(client.getDefaultHost()).isEqualTo("payment-service.shop");
        assertThat(client.getDefaultPort()).as("on the same port").isEqualTo(8082);
        assertThat(((PemTrustOptions) client.getTrustOptions()).getCertPaths())
                .containsExactly(secret.resolve("ca.crt").toString());
    }

    @Test
    void upgradesAnInternalUrlToHttpsOnTheSamePort() throws Exception {
        TlsSettings tls =
                TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", secret(true).toString())));
        assertThat(tls.callee(URI.create("http://order-service.shop:8081")))
                .isEqualTo(URI.create("https://order-service.shop:8081"));
        assertThat(tls.callee(URI.create("http://order-service.shop")))
                .as("the port the URL meant, 80, not https's 443")
                .isEqualTo(URI.create("https://order-service.shop:80"));
        assertThat(tls.callee(URI.create("https://order-service.shop:9443")))
                .isEqualTo(URI.create("https://order-service.shop:9443"));
    }

    @Test
    void trustsTheJdksCasWithoutACaFileOrWithTheEmptyOneOfAnAcmeIssuer() throws Exception {
        Path secret = secret(false);
        TlsSettings tls = TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", secret.toString())));
        assertThat(tls.trusted()).isNull();
        assertThat(tls.clientOptions("order-service", URI.create("http://order-service.shop:8081"))
                        .getTrustOptions())
                .isNull();
        Files.writeString(secret.resolve("ca.crt"), "");
        assertThat(TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", secret.toString())))
                        .trusted())
                .isNull();
    }

    @Test
    void refusesTheDirectoryTogetherWithAnyFileSetting() throws Exception {
        Path secret = secret(true);
        for (String name : new String[] {"SHOP_TLS_CERT_FILE", "SHOP_TLS_KEY_FILE", "SHOP_TLS_CA_FILE"}) {
            assertThatThrownBy(() -> TlsSettings.from(Settings.of(Map.of(
                            "SHOP_TLS_DIR",
                            secret.toString(),
                            name,
                            secret.resolve("tls.crt").toString()))))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SHOP_TLS_DIR replaces")
                    .hasMessageContaining("also set: " + name);
        }
    }

    @Test
    void refusesAMissingDirectoryOrOneWithoutItsCertificateOrKey() throws Exception {
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(
                        Map.of("SHOP_TLS_DIR", dir.resolve("nowhere").toString()))))
                .hasMessageContaining("SHOP_TLS_DIR is not a directory");
        Path noKey = secret(true);
        Files.delete(noKey.resolve("tls.key"));
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", noKey.toString()))))
                .hasMessageContaining("SHOP_TLS_DIR has no readable tls.key");
        Path noCertificate = secret(true);
        Files.delete(noCertificate.resolve("tls.crt"));
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", noCertificate.toString()))))
                .hasMessageContaining("SHOP_TLS_DIR has no readable tls.crt");
    }

    @Test
    void refusesAKeyThatIsNoFile() throws Exception {
        Path secret = secret(true);
        Path key = secret.resolve("tls.key");
        Files.delete(key);
        Files.createDirectory(key);
        assertThatThrownBy(() -> TlsSettings.from(Settings.of(Map.of("SHOP_TLS_DIR", secret.toString()))))
                .hasMessageContaining("SHOP_TLS_DIR has no readable tls.key");
    }

    /** A directory as a mounted cert-manager Secret: tls.crt, tls.key and (if {@code ca}) ca.crt. */
    private Path secret(boolean ca) throws Exception {
        Path secret = Files.createTempDirectory(dir, "secret");
        Files.writeString(secret.resolve("tls.crt"), "-");
        Files.writeString(secret.resolve("tls.key"), "-");
        if (ca) {
            Files.writeString(secret.resolve("ca.crt"), "-");
        }
        return secret;
    }
}
