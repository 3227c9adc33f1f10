package shop.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OIDC issuer of the test's own, over real HTTP: a discovery document and a JWKS with one
 * RSA key ({@code kid} {@value #KID}). Tokens are written by hand (header, claims, signature),
 * so that the tests can also write every malformed or forged one an attacker would.
 */
final class JwtIssuer implements AutoCloseable {

    static final String KID = "shop-test-key";
    static final String AUDIENCE = "shop";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final KeyPair keys;
    private final KeyPair stranger;

    private JwtIssuer(HttpServer server, KeyPair keys, KeyPair stranger) {
        this.server = server;
        this.keys = keys;
        this.stranger = stranger;
    }

    static JwtIssuer start() throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        KeyPair stranger = generator.generateKeyPair();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        JwtIssuer issuer = new JwtIssuer(server, keys, stranger);
        server.createContext("/realms/shop/.well-known/openid-configuration", exchange -> {
            byte[] body = "{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}"
                    .formatted(issuer.url(), issuer.url())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/realms/shop/keys", exchange -> {
            RSAPublicKey key = (RSAPublicKey) keys.getPublic();
            byte[] body = ("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"%s\","
                            + "\"n\":\"%s\",\"e\":\"%s\"}]}")
                    .formatted(
                            KID,
                            unsigned(key.getModulus().toByteArray()),
                            unsigned(key.getPublicExponent().toByteArray()))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return issuer;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/shop";
    }

    /** Claims for {@code Gregor}, for the audience, valid for the next five minutes. */
    String claims() {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"Gregor\",\"iat\":%d,\"exp\":%d}"
                .formatted(url(), AUDIENCE, now, now + 300);
    }

    /** A token signed with RS256 by the issuer's key. */
    String signed(String header, String claims) {
        return rs256(header, claims, keys.getPrivate());
    }

    /** A token signed with RS256 by a key the issuer does not publish. */
    String signedByStranger(String header, String claims) {
        return rs256(header, claims, stranger.getPrivate());
    }

    /** A token "signed" with HS256 under {@code secret} (say, the issuer's public key). */
    static String hs256(String header, String claims, byte[] secret) {
        try {
            String input = encode(header) + "." + encode(claims);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[] {0} : secret, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half of the stranger's key as a JWK, for a token that carries its own key. */
    String strangerJwk() {
        RSAPublicKey key = (RSAPublicKey) stranger.getPublic();
        return "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}"
                .formatted(
                        unsigned(key.getModulus().toByteArray()),
                        unsigned(key.getPublicExponent().toByteArray()));
    }

    /** The issuer's public key, as an attacker would fetch it: DER bytes, and PEM text. */
    byte[] publicKeyDer() {
        return keys.getPublic().getEncoded();
    }

    String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(publicKeyDer())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String rs256(String header, String claims, PrivateKey key) {
        try {
            String input = encode(header) + "." + encode(claims);
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(byte[] twosComplement) {
        int skip = twosComplement.length > 1 && twosComplement[0] == 0 ? 1 : 0;
        byte[] magnitude = new byte[twosComplement.length - skip];
        System.arraycopy(twosComplement, skip, magnitude, 0, magnitude.length);
        return B64.encodeToString(magnitude);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
