package shop.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import shop.defaults.InternalAuthSettings;
import shop.defaults.InternalTokens;
import shop.defaults.ServiceRuntime;
import shop.defaults.Settings;
import shop.defaults.SharedRoutes;
import shop.defaults.Topology;
import shop.gateway.auth.Authentication;
import shop.gateway.contract.ApiContract;
import shop.gateway.contract.ApiDocs;
import shop.gateway.contract.Negotiation;
import shop.gateway.contract.RequestValidation;
import shop.gateway.limits.ClientAddresses;
import shop.gateway.limits.ClientConnections;
import shop.gateway.limits.Cors;
import shop.gateway.limits.FailedAuthentications;
import shop.gateway.limits.LimitSettings;
import shop.gateway.limits.RateLimit;
import shop.gateway.limits.RequestFraming;
import shop.gateway.limits.UrlLimits;
import shop.gateway.routing.Downstream;
import shop.gateway.routing.Downstreams;
import shop.gateway.web.WebPages;

/**
 * The API gateway: Shop's only public door. Its routes are the operations of the contract
 * ({@code api/openapi.yaml}); each authenticates, limits and validates the request, then passes it
 * on to the service that owns it. It holds no business logic.
 */
public final class GatewayMain {

    static final String SERVICE = "api-gateway";

    private GatewayMain() {}

    public static void main(String[] args) {
        // Reading the contract is mostly class loading, cold: on another core while the runtime starts.
        CompletableFuture<ApiContract.Source> contract = CompletableFuture.supplyAsync(ApiContract::read);
        ServiceRuntime runtime;
        try {
            // Settings, logs, metrics and traces, Vert.x; a bad setting stops the service here.
            runtime = ServiceRuntime.start(SERVICE, Settings.fromEnvironment());
        } catch (RuntimeException badSetting) {
            ServiceRuntime.exitOnFailure(SERVICE, badSetting);
            return;
        }
        start(runtime, Future.fromCompletionStage(contract))
                .onFailure(failure -> ServiceRuntime.exitOnFailure(SERVICE, failure));
    }

    /** Wires the gateway and serves it; the router it serves, once it does. */
    static Future<Router> start(ServiceRuntime runtime, Future<ApiContract.Source> contractSource) {
        Vertx vertx = runtime.vertx();
        Settings settings = runtime.settings();
        int port = Topology.SHOP.port(settings, SERVICE);
        int managementPort = Topology.SHOP.managementPort(settings, SERVICE);
        Downstreams downstreams = Downstreams.from(settings);
        LimitSettings limits = LimitSettings.from(settings);
        ClientAddresses clients = limits.clientAddresses();
        FailedAuthentications failedAuthentications =
                FailedAuthentications.start(vertx, limits.authFailuresPerMinute(), clients);
        Authentication authentication = Authentication.from(settings, vertx, failedAuthentications::failed);
        InternalTokens tokens = InternalTokens.start(
                vertx,
                InternalAuthSettings.from(
                        settings, SERVICE, Topology.SHOP.service(SERVICE).calls()),
                Clock.systemUTC());
        Downstream orders =
                Downstream.create(runtime, "order-service", downstreams.orderService(), downstreams, tokens);
        Downstream payments =
                Downstream.create(runtime, "payment-service", downstreams.paymentService(), downstreams, tokens);
        RateLimit rateLimit = RateLimit.start(vertx, limits.rateLimit(), clients);
        ClientConnections connections = ClientConnections.start(vertx, limits.maxConnectionsPerAddress(), clients);

        ApiDocs docs = ApiDocs.fromJar();
        WebPages pages = WebPages.fromJar(settings);

        SharedRoutes shared = runtime.sharedRoutes();
        // Health and metrics on the management port, which the public Service does not expose.
        Router management = shared.router(GatewayProblems::of, SharedRoutes.NO_DATABASE);
        management.route().handler(SharedRoutes.securityHeaders());
        management.route().handler(SharedRoutes::refuseMalformedPath);
        shared.operations(management);
        return runtime.serveOperations(management, managementPort)
                .compose(listening -> contractSource)
                .compose(source -> ApiContract.load(vertx, source))
                .compose(contract -> {
                    // The public API: one route per operation of the contract, each after the checks every call passes.
                    Calls calls = new Calls(
                            RouterBuilder.create(vertx, contract.openApi()),
                            failedAuthentications,
                            authentication,
                            rateLimit,
                            new RequestValidation(vertx, contract));
                    calls.route("listProducts", orders::forward);
                    calls.route("setStock", Authentication.adminsOnly("set stock"), orders::forward);
                    calls.route("addStock", Authentication.adminsOnly("add stock"), orders::forward);
                    calls.route("setPrice", Authentication.adminsOnly("set prices"), orders::forward);
                    calls.route("placeOrder", orders::forward);
                    calls.route("listOrders", orders::forward);
                    calls.route("getOrder", orders::forward);
                    calls.route("refundOrder", orders::forward);
                    calls.route("listTransactions", Authentication.adminsOnly("list transactions"), payments::forward);
                    calls.route("getSummary", Authentication.adminsOnly("see the summary"), orders::forward);

                    Router router = shared.router(GatewayProblems::of, SharedRoutes.NO_DATABASE);
                    router.route().handler(shared.metrics());
                    router.route().handler(SharedRoutes.securityHeaders());
                    // Before anything may refuse the request or wait for its body: the access log (a line for every
                    // request, refusals included), CORS (so that every answer has its headers), the URL's and the
                    // framing's checks.
                    router.route().handler(AccessLog.handler());
                    router.route()
                            .handler(Cors.handler(limits.corsAllowedOrigins()).orElse(RoutingContext::next));
                    router.route().handler(UrlLimits::check);
                    router.route().handler(RequestFraming::check);
                    router.route().handler(SharedRoutes::refuseMalformedPath);
                    router.route().handler(SharedRoutes.body());
                    router.route().handler(shared.inFlightLimit());
                    docs.mount(router, contract);
                    pages.mount(router);
                    router.route("/*").subRouter(calls.router());
                    return runtime.serve(connections.requests(router), port, connections)
                            .map(router);
                });
    }

    /** The routes of the contract's operations, and the checks each passes before its own handlers. */
    private static final class Calls {

        private final RouterBuilder builder;
        private final FailedAuthentications failedAuthentications;
        private final Authentication authentication;
        private final RateLimit rateLimit;
        private final RequestValidation validation;

        Calls(
                RouterBuilder builder,
                FailedAuthentications failedAuthentications,
                Authentication authentication,
                RateLimit rateLimit,
                RequestValidation validation) {
            this.builder = builder;
            this.failedAuthentications = failedAuthentications;
            this.authentication = authentication;
            this.rateLimit = rateLimit;
            this.validation = validation;
        }

        /**
         * Routes {@code operationId} through, in order (its body has been read by then, up to 16
         * KB): its route template named on the request, and its body marked to go on where the
         * operation takes one; wherever the contract asks for credentials (every call but the
         * catalog), a client that failed authentication too often refused before its key is
         * looked at, then authentication; the caller's rate limit; the answer's form decided (406
         * before any effect); the request checked against the contract; then {@code handlers}.
         * The builder's own security and validation are off: they would run before
         * authentication, and its extractor URL-decodes headers.
         */
        @SafeVarargs
        final void route(String operationId, Handler<RoutingContext>... handlers) {
            OpenAPIRoute route = builder.getRoute(operationId);
            if (route == null) {
                throw new IllegalStateException("The contract has no operation " + operationId);
            }
            Operation operation = route.getOperation();
            route.setDoSecurity(false).setDoValidation(false);
            boolean takesBody = operation.getRequestBody() != null;
            route.addHandler(context -> {
                RouteTemplate.set(context, operation.getOpenAPIPath());
                if (takesBody) {
                    Downstream.passBodyOn(context);
                }
                context.next();
            });
            boolean secured =
                    operation.getSecurityRequirements().stream().anyMatch(requirement -> !requirement.isEmpty());
            if (secured) {
                route.addHandler(failedAuthentications::check);
                route.addHandler(authentication);
            }
            route.addHandler(rateLimit).addHandler(Negotiation::requireJsonAnswer);
            route.addHandler(validation.of(operation));
            for (Handler<RoutingContext> handler : handlers) {
                route.addHandler(handler);
            }
        }

        Router router() {
            return builder.createRouter();
        }
    }
}
