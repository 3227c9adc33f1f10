package shop.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;
import shop.testing.ContractChecker;
import shop.testing.TestTls;

/** A client of Shop's public API, as a user's program would be: plain HTTP and JSON. */
final class Gateway {

    record Response(int status, HttpResponse<String> raw, JsonNode json) {

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }

        /** The elements of the JSON array answered, in order. */
        Stream<JsonNode> items() {
            return StreamSupport.stream(json.spliterator(), false);
        }
    }

    static final String GREGOR = "local-gregor-key";
    static final String ALICE = "local-alice-key";
    static final String ADMIN = "local-admin-key";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Every answer the system tests receive through here is checked against the public API's contract. */
    private static final ContractChecker CONTRACT =
            ContractChecker.load(ShopProcesses.ROOT.resolve("api/openapi.yaml"));

    private final String baseUrl;
    private final HttpClient http;

    /** Over HTTPS when the URL says so, trusting the tests' certificate ({@link TestTls}). */
    Gateway(String baseUrl) {
        this(baseUrl, TestTls.trustingIt());
    }

    /** Over HTTPS when the URL says so, with {@code tls}. */
    Gateway(String baseUrl, SSLContext tls) {
        this.baseUrl = baseUrl;
        HttpClient.Builder http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
        if (baseUrl.startsWith("https:")) {
            http.sslContext(tls);
        }
        this.http = http.build();
    }

    Response get(String path, String key) {
        return send("GET", path, key, null, Map.of());
    }

    Response post(String path, String key, String json) {
        return send("POST", path, key, json, Map.of("Content-Type", "application/json"));
    }

    Response send(String method, String path, String key, String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            CONTRACT.check(response);
            JsonNode json = response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
