package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
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
        assertThat(none.applyTo(new HttpClientOptions(), URI.create("http://payment-service.shop:8082"))
                        .isSsl())
                .isFalse();
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
        assertThat(tls.applyTo(new HttpServerOptions()).isSsl()).isTrue();
        HttpClientOptions https = tls.applyTo(new HttpClientOptions(), URI.create("https://payment-service.shop"));
        assertThat(https.isSsl()).isTrue();
        assertThat(https.isVerifyHost()).isTrue();
        assertThat(((PemTrustOptions) https.getTrustOptions()).getCertPaths()).containsExactly(certificate.toString());
        assertThat(TlsSettings.port(URI.create("https://payment-service.shop"))).isEqualTo(443);
        assertThat(tls.applyTo(new HttpClientOptions(), URI.create("http://127.0.0.1:8082"))
                        .isSsl())
                .isFalse();
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
}
