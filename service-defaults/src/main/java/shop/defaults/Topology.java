package shop.defaults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * Shop's shape: its services, their default ports, who calls whom, and so which pairs of services
 * hold an internal-auth key. Read from {@code shop/topology.properties}, the one place it is
 * written: {@code ./shop} reads the same file, and deploy-tests check the manifests against it.
 */
public record Topology(List<Service> services) {

    /** Shop's own, from the classpath. */
    public static final Topology SHOP = load("shop/topology.properties");

    /**
     * One service. Its variables are named after it: {@code ORDER_SERVICE_PORT} moves its port,
     * {@code ORDER_SERVICE_URL} tells its callers where it is.
     *
     * @param managementPort the port of its health and metrics, when they have one of their own
     * @param calls the services it calls
     */
    public record Service(String name, int port, OptionalInt managementPort, List<String> calls) {

        public String portVariable() {
            return variable("PORT");
        }

        public String managementPortVariable() {
            return variable("MANAGEMENT_PORT");
        }

        public String urlVariable() {
            return variable("URL");
        }

        /** Where its callers find it unless told otherwise: on this machine, on its port. */
        public String defaultUrl() {
            return "http://localhost:" + port;
        }

        private String variable(String suffix) {
            return name.toUpperCase(Locale.ROOT).replace('-', '_') + "_" + suffix;
        }
    }

    /** A caller and a callee: one internal-auth key each. */
    public record Pair(String from, String to) {

        public boolean includes(String service) {
            return from.equals(service) || to.equals(service);
        }
    }

    public Topology {
        services = List.copyOf(services);
        List<String> names = services.stream().map(Service::name).toList();
        for (Service service : services) {
            if (!names.containsAll(service.calls())) {
                throw new IllegalArgumentException(service.name() + " calls a service the topology does not have");
            }
        }
    }

    public Service service(String name) {
        return services.stream()
                .filter(service -> service.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Shop has no service " + name));
    }

    /** Every caller-callee pair, by caller's name, then callee's. */
    public List<Pair> pairs() {
        return services.stream()
                .flatMap(service -> service.calls().stream().map(callee -> new Pair(service.name(), callee)))
                .sorted(Comparator.comparing(Pair::from).thenComparing(Pair::to))
                .toList();
    }

    /** The port {@code service} serves on: its {@code <NAME>_PORT}, or its default (0: the system chooses). */
    public int port(Settings settings, String service) {
        Service known = service(service);
        return settings.integer(known.portVariable(), known.port(), 0, 65_535);
    }

    /** The port of {@code service}'s health and metrics: its {@code <NAME>_MANAGEMENT_PORT}, or its default. */
    public int managementPort(Settings settings, String service) {
        Service known = service(service);
        int fallback = known.managementPort()
                .orElseThrow(() -> new IllegalArgumentException(service + " has no management port"));
        return settings.integer(known.managementPortVariable(), fallback, 0, 65_535);
    }

    /**
     * Where {@code service} is, for its callers: its {@code <NAME>_URL}, an http(s) URL of a
     * host with no path (the callers add theirs), or its default.
     */
    public URI url(Settings settings, String service) {
        Service known = service(service);
        String value = settings.text(known.urlVariable(), known.defaultUrl());
        try {
            URI url = URI.create(value);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    && url.getHost() != null
                    && (url.getRawPath() == null
                            || url.getRawPath().isEmpty()
                            || url.getRawPath().equals("/"))
                    && url.getRawQuery() == null
                    && url.getRawFragment() == null) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                known.urlVariable() + " must be an http(s) URL of " + service + ", such as " + known.defaultUrl());
    }

    static Topology load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Service> services = new ArrayList<>();
        for (String name : words(required(properties, "services"))) {
            String management =
                    properties.getProperty(name + ".management-port", "").strip();
            services.add(new Service(
                    name,
                    Integer.parseInt(required(properties, name + ".port")),
                    management.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(management)),
                    words(properties.getProperty(name + ".calls", ""))));
        }
        return new Topology(services);
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the topology has no " + key);
        }
        return value.strip();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.strip().split("\\s+"))
                .filter(word -> !word.isEmpty())
                .toList();
    }
}
