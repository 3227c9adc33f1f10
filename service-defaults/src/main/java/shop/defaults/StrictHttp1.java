package shop.defaults;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;

/**
 * What every Shop server takes of HTTP/1, decided as the decoder hands a request on, before
 * Vert.x sees it (one per connection):
 *
 * <ul>
 *   <li>HTTP/1.0 and 1.1 only: any other version is a malformed request, which the server's
 *       invalid-request handler answers 400 like any other (Vert.x itself would answer 501, the
 *       one 5xx a client could cause at will). Every answer but one to HTTP/1.0 is an HTTP/1.1
 *       one: the decoder takes any {@code NAME/1.1} for a version, and the status line repeated
 *       it ({@code GET / <SCRIPT>/1.1} was answered {@code <SCRIPT>/1.1 501});
 *   <li>one {@code Host} (RFC 9112 3.2): a request with two is malformed, since a proxy in front
 *       and this server might each take another;
 *   <li>a body whose framing breaks (a chunk size that is not one) is answered 400 and the
 *       connection closed once what was answered before it is sent: Vert.x closes such a
 *       connection at once, dropping an answer written but not yet sent, so the client heard
 *       nothing. Whatever follows on the connection is not read.
 * </ul>
 */
final class StrictHttp1 extends ChannelDuplexHandler {

    private static final String NAME = "shop-strict-http1";

    /** Requests whose head arrived, and answers whose head was written, on this connection. */
    private long requests;

    private long answers;
    private boolean broken;

    /**
     * Puts the checks in front of the connection's HTTP handler (a connection handler of the
     * server's). Through Vert.x's internal view of the connection: in 5.0.7 the public {@link
     * HttpConnection} gives no way to its Netty pipeline, nor a hook before its decoder's requests.
     */
    static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase netty) {
            ChannelHandlerContext http = netty.channelHandlerContext();
            http.pipeline().addBefore(http.name(), NAME, new StrictHttp1());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (broken) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpRequest request) {
            // A head the decoder could not read comes as a whole request, failed: the server's to answer.
            requests++;
            check(request);
        } else if (message instanceof HttpContent content
                && content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            brokenBody(context);
            return;
        }
        context.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        // An interim answer (100 Continue) is not the answer.
        if (message instanceof HttpResponse response && response.status().code() >= 200) {
            answers++;
        }
        context.write(message, promise);
    }

    private static void check(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        boolean known = HttpVersion.HTTP_1_1.equals(version) || HttpVersion.HTTP_1_0.equals(version);
        if (!HttpVersion.HTTP_1_0.equals(version)) {
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        if (!request.decoderResult().isSuccess()) {
            return;
        }
        if (!known) {
            request.setDecoderResult(
                    DecoderResult.failure(new IllegalArgumentException("Only HTTP/1.0 and HTTP/1.1 are served")));
        } else if (request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("Two Host headers")));
        }
    }

    /**
     * The body of the request being read cannot be told from what follows it: answered 400 if
     * it is the only one not answered yet, and the connection closed once what is written is
     * sent. Behind an earlier request still being answered, nothing more is read and the server
     * answers in turn; it closes the connection when it answers this one (or when it goes idle).
     */
    private void brokenBody(ChannelHandlerContext context) {
        broken = true;
        context.channel().config().setAutoRead(false);
        if (answers == requests) {
            context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (answers == requests - 1) {
            context.writeAndFlush(badRequest()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static DefaultFullHttpResponse badRequest() {
        byte[] body = StrictJson.write(Problems.body(Problem.of(
                        400,
                        "invalid-request",
                        "The request body's framing is broken (Transfer-Encoding: chunked with a chunk"
                                + " size that is not one)")))
                .getBytes();
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
        MultiMap security = MultiMap.caseInsensitiveMultiMap();
        SecurityHeaders.apply(security);
        for (Map.Entry<String, String> header : security) {
            response.headers().set(header.getKey(), header.getValue());
        }
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, Problems.CONTENT_TYPE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
