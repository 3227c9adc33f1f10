package shop.defaults;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.tracing.TracingPolicy;
import java.util.concurrent.TimeUnit;

/**
 * The options of every Shop HTTP server, public and management port alike: the bind address
 * ({@code SHOP_BIND_ADDRESS}), the limits on a request's line and headers, the idle timeout,
 * tracing, HTTP/1.1 only; and the answer to a request the HTTP decoder refused.
 */
public final class ServerOptions {

    /** A connection silent this long is closed by the server. */
    private static final int IDLE_SECONDS = 8;

    /**
     * How long the services' own clients keep an idle connection: less than the server's idle time,
     * so that a call never goes out on a connection the other side is closing.
     */
    public static final int CLIENT_KEEP_ALIVE_SECONDS = IDLE_SECONDS - 3;

    private ServerOptions() {}

    static HttpServerOptions of(Settings settings, int port) {
        return new HttpServerOptions()
                .setHost(settings.address("SHOP_BIND_ADDRESS", "127.0.0.1"))
                .setPort(port)
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(8 * 1024)
                // A connection silent this long is closed: a client that sends its request too slowly is hung up on,
                // and idle keep-alive connections go (the services' own clients keep theirs for less).
                .setIdleTimeout(IDLE_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                // Every request is traced (sampling decides what is kept), not only those that came with a trace.
                .setTracingPolicy(TracingPolicy.ALWAYS)
                // HTTP/1.1 only: a client's upgrade to cleartext HTTP/2 (the JDK client asks by default) is not taken.
                .setHttp2ClearTextEnabled(false);
    }

    /**
     * A request the HTTP decoder refused before any route (a line or headers too long, a control
     * character in a header), or {@link StrictHttp1} did (another HTTP version, two {@code Host}
     * headers): a problem like every other refusal, and the connection closed.
     */
    static void refuseMalformed(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException
                ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        SecurityHeaders.apply(request.response().headers());
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.write(request.response(), Problems.forStatus(status));
    }
}
