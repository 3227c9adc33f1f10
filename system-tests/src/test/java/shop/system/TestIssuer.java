package shop.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OIDC issuer for the browser tests, over real HTTP: a discovery document, an authorization
 * endpoint that signs the user in at once as {@code subject} and sends a code back, a token
 * endpoint that exchanges the code only with the PKCE verifier of its S256 challenge (RFC 7636),
 * and its key (ES256). What the pages sent is kept for the tests to check.
 */
final class TestIssuer implements AutoCloseable {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** An authorization request as the issuer received it. */
    record Authorization(Map<String, String> query) {}

    private record Grant(String challenge, String redirectUri, String clientId) {}

    private final HttpServer server;
    private final KeyPair key;
    private final String subject;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    final List<Authorization> authorizations = new CopyOnWriteArrayList<>();
    final List<String> refusedExchanges = new CopyOnWriteArrayList<>();

    private TestIssuer(HttpServer server, KeyPair key, String subject) {
        this.server = server;
        this.key = key;
        this.subject = subject;
    }

    static TestIssuer start(String subject) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TestIssuer issuer = new TestIssuer(server, generator.generateKeyPair(), subject);
        server.createContext("/", issuer::handle);
        server.start();
        return issuer;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            switch (exchange.getRequestURI().getPath()) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, """
                            {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",\
                            "jwks_uri":"%1$s/keys","code_challenge_methods_supported":["S256"]}""".formatted(url()));
                case "/keys" -> json(exchange, 200, jwks());
                case "/authorize" -> authorize(exchange);
                case "/token" -> token(exchange);
                default -> json(exchange, 404, "{}");
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The user signs in at once: back to the page with a code bound to the challenge. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        authorizations.add(new Authorization(query));
        if (!"code".equals(query.get("response_type"))
                || !"S256".equals(query.get("code_challenge_method"))
                || query.get("code_challenge") == null) {
            json(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(query.get("code_challenge"), query.get("redirect_uri"), query.get("client_id")));
        String back = query.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Location", URI.create(back).toString());
        exchange.sendResponseHeaders(302, -1);
    }

    /** The code for a token, once, and only with the verifier whose SHA-256 is the challenge. */
    private void token(HttpExchange exchange) throws IOException, GeneralSecurityException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            json(exchange, 405, "{}");
            return;
        }
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = codes.remove(String.valueOf(form.get("code")));
        String verifier = form.getOrDefault("code_verifier", "");
        if (grant == null
                || !"authorization_code".equals(form.get("grant_type"))
                || !grant.redirectUri().equals(form.get("redirect_uri"))
                || !grant.clientId().equals(form.get("client_id"))
                || !grant.challenge()
                        .equals(BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(verifier.getBytes(StandardCharsets.US_ASCII))))) {
            refusedExchanges.add(form.toString());
            json(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        json(exchange, 200, "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":300}".formatted(jwt()));
    }

    private String jwt() throws GeneralSecurityException {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"test\"}";
        String claims = "{\"iss\":\"%s\",\"aud\":\"shop\",\"sub\":\"%s\",\"iat\":%d,\"exp\":%d}"
                .formatted(url(), subject, now, now + 300);
        String signed = encode(header) + "." + encode(claims);
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(key.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + BASE64URL.encodeToString(signature.sign());
    }

    private String jwks() {
        ECPublicKey publicKey = (ECPublicKey) key.getPublic();
        return "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"test\",\"use\":\"sig\",\"alg\":\"ES256\","
                + "\"x\":\"%s\",\"y\":\"%s\"}]}"
                        .formatted(
                                coordinate(publicKey.getW().getAffineX()),
                                coordinate(publicKey.getW().getAffineY()));
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return BASE64URL.encodeToString(fixed);
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        Arrays.stream(encoded.split("&"))
                .map(pair -> pair.split("=", 2))
                .forEach(pair -> values.put(
                        URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : ""));
        return values;
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
