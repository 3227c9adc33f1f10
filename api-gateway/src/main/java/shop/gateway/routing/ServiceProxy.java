package shop.gateway.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriComponentsBuilder;
import shop.defaults.Caller;
import shop.defaults.InternalTokens;

/**
 * Passes a call on to a service and its answer back, status and body unchanged. Only the headers
 * named here cross; the caller's identity goes in an internal token the gateway signs, never in
 * anything the client sent (its API key stays at the door).
 */
@Component
class ServiceProxy {

    private static final List<String> REQUEST_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT,
            "Idempotency-Key");
    private static final List<String> RESPONSE_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.LOCATION,
            HttpHeaders.RETRY_AFTER, HttpHeaders.ALLOW, "Idempotent-Replayed");

    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

    private final RestClient http;
    private final InternalTokens tokens;

    /** The builder is Spring Boot's: it brings HTTP client metrics and trace propagation. */
    ServiceProxy(Downstreams downstreams, RestClient.Builder builder, InternalTokens tokens) {
        this.tokens = tokens;
        // One pooled keep-alive client for every hop; HTTP/1.1, as the services speak no HTTP/2.
        HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(downstreams.connectTimeout())
            .build();
        var requestFactory = new JdkClientHttpRequestFactory(client);
        requestFactory.setReadTimeout(downstreams.readTimeout());
        this.http = builder.requestFactory(requestFactory).build();
    }

    ResponseEntity<byte[]> forward(String service, URI base, HttpServletRequest request, @Nullable Caller caller,
            byte @Nullable [] body) {
        URI target = UriComponentsBuilder.fromUri(base)
            .path(request.getRequestURI())
            .query(request.getQueryString())
            .build(true)
            .toUri();
        try {
            var call = http.method(HttpMethod.valueOf(request.getMethod())).uri(target).headers(headers -> {
                REQUEST_HEADERS.forEach(name -> copy(request.getHeader(name), name, headers));
                headers.setBearerAuth(tokens.issue(service, caller));
            });
            if (body != null) {
                call = call.body(body);
            }
            log.debug("{} {} -> {}", request.getMethod(), request.getRequestURI(), service);
            return call.exchange((outbound, response) -> {
                HttpHeaders headers = new HttpHeaders();
                RESPONSE_HEADERS.forEach(name -> copy(response.getHeaders().getFirst(name), name, headers));
                return ResponseEntity.status(response.getStatusCode()).headers(headers)
                    .body(response.getBody().readAllBytes());
            });
        }
        catch (RestClientException e) {
            throw new DownstreamUnavailable(service, e);
        }
    }

    private static void copy(@Nullable String value, String name, HttpHeaders into) {
        if (value != null) {
            into.set(name, value);
        }
    }
}
