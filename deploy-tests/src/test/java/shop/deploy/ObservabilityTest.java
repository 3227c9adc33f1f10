package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alerts (k8s/observability) ask only for metrics the services export: a
 * query on a metric nobody exports shows an empty panel, and an alert on one never fires.
 */
class ObservabilityTest {

    private static final List<String> MODULES =
            List.of("service-defaults", "api-gateway", "order-service", "payment-service");
    /** Micrometer's meters by their builder: {@code Counter.builder("shop.payments")}, {@code registry.timer("...")}. */
    private static final Pattern METER =
            Pattern.compile("(?:\\.builder|\\.counter|\\.timer|\\.gauge|\\.summary)\\(\\s*\"([a-z][a-z0-9.]*)\"");
    /** What the Prometheus registry appends to a meter's name: its base unit, then the series' suffix. */
    private static final Pattern SUFFIXES = Pattern.compile("(_seconds|_bytes)?(_total|_count|_sum|_max|_bucket)?");
    /** The metrics of the binders a service may use, by the binder's class name. */
    private static final Map<String, List<String>> BINDERS = Map.of(
            "JvmMemoryMetrics", List.of("jvm_memory_", "jvm_buffer_"),
            "JvmGcMetrics", List.of("jvm_gc_"),
            "JvmThreadMetrics", List.of("jvm_threads_"),
            "ClassLoaderMetrics", List.of("jvm_classes_"),
            "ProcessorMetrics", List.of("process_cpu_", "system_cpu_", "system_load_"),
            "UptimeMetrics", List.of("process_uptime_", "process_start_time_"),
            "FileDescriptorMetrics", List.of("process_files_"),
            "TaggedCircuitBreakerMetrics", List.of("resilience4j_circuitbreaker_"));
    /** What Prometheus records of each scrape itself. */
    private static final Set<String> PROMETHEUS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset");

    @Test
    void theDashboardAndTheAlertsUseOnlyMetricsTheServicesExport() {
        List<String> queries = queries();
        Exported exported = exported();
        Set<String> used = new LinkedHashSet<>();
        queries.forEach(query -> used.addAll(metricsIn(query)));
        assertThat(queries).as("queries in the dashboard and the alerts").hasSizeGreaterThanOrEqualTo(10);
        assertThat(used).contains("http_server_requests_seconds_count", "shop_payments_total", "jvm_memory_used_bytes");
        assertThat(used.stream().filter(metric -> !exported.exports(metric)).toList())
                .as("metrics no service exports")
                .isEmpty();
    }

    @Test
    void theCheckKnowsAMetricNoServiceExports() {
        Exported exported = exported();
        assertThat(metricsIn("sum by (job) (hikaricp_connections_active{pool=\"x\"}) / on (job) up"))
                .containsExactly("hikaricp_connections_active", "up");
        assertThat(exported.exports("hikaricp_connections_active")).isFalse();
        assertThat(exported.exports("shop_payments_amount_sum")).isTrue();
        assertThat(exported.exports("shop_payments_totals")).isFalse();
        assertThat(exported.exports("jvm_gc_pause_seconds_sum")).isTrue();
    }

    /** Every PromQL expression of the rendered dashboard ConfigMap and PrometheusRule. */
    @SuppressWarnings("unchecked")
    private static List<String> queries() {
        List<String> queries = new ArrayList<>();
        for (Map<String, Object> object : Kustomize.render("observability")) {
            switch ((String) object.get("kind")) {
                case "ConfigMap" ->
                    ((Map<String, String>) object.get("data"))
                            .values()
                            .forEach(json -> collectExpressions(JsonParser.parseString(json), queries));
                case "PrometheusRule" -> {
                    Map<String, Object> spec = (Map<String, Object>) object.get("spec");
                    for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
                        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                            queries.add((String) rule.get("expr"));
                        }
                    }
                }
                default -> {}
            }
        }
        return queries;
    }

    private static void collectExpressions(JsonElement json, List<String> queries) {
        if (json.isJsonObject()) {
            json.getAsJsonObject().entrySet().forEach(entry -> {
                if (entry.getKey().equals("expr") && entry.getValue().isJsonPrimitive()) {
                    queries.add(entry.getValue().getAsString());
                } else {
                    collectExpressions(entry.getValue(), queries);
                }
            });
        } else if (json.isJsonArray()) {
            json.getAsJsonArray().forEach(element -> collectExpressions(element, queries));
        }
    }

    /** The metric names in a PromQL expression: the names left once labels, ranges, groupings and functions go. */
    static Set<String> metricsIn(String query) {
        String bare = query.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> metrics = new LinkedHashSet<>();
        Matcher token =
                Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(bare);
        while (token.find()) {
            if (token.group(2) == null && !KEYWORDS.contains(token.group(1))) {
                metrics.add(token.group(1));
            }
        }
        return metrics;
    }

    private record Exported(Set<String> meters, Set<String> binderPrefixes) {

        boolean exports(String metric) {
            return PROMETHEUS.contains(metric)
                    || binderPrefixes.stream().anyMatch(metric::startsWith)
                    || meters.stream()
                            .anyMatch(meter -> metric.startsWith(meter)
                                    && SUFFIXES.matcher(metric.substring(meter.length()))
                                            .matches());
        }
    }

    /** The meters the services' code (and service-defaults') registers, and the binders it binds. */
    private static Exported exported() {
        Set<String> meters = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(Kustomize.ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String code = Files.readString(file);
                    Matcher meter = METER.matcher(code);
                    while (meter.find()) {
                        meters.add(meter.group(1).replace('.', '_'));
                    }
                    BINDERS.forEach((binder, exported) -> {
                        if (code.contains("new " + binder + "(") || code.contains(binder + ".of")) {
                            prefixes.addAll(exported);
                        }
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Exported(meters, prefixes);
    }
}
