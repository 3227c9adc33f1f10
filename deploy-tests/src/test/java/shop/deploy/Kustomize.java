package shop.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Renders a Kustomize folder under k8s/ with {@code kubectl kustomize}, as a user would. */
final class Kustomize {

    static final Path ROOT =
            Path.of(System.getProperty("shop.root", "..")).toAbsolutePath().normalize();

    private Kustomize() {}

    /** The rendered objects of k8s/{folder}, in kubectl's order. */
    static List<Map<String, Object>> render(String folder) {
        return parse(renderText(folder));
    }

    static String renderText(String folder) {
        Path dir = ROOT.resolve("k8s").resolve(folder);
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            try {
                Process kubectl = new ProcessBuilder(kubectl(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile())
                        .redirectErrorStream(false)
                        .start();
                String errors = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + errors);
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kubectl (put it on the PATH or set SHOP_KUBECTL)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document != null) {
                objects.add((Map<String, Object>) document);
            }
        }
        return objects;
    }

    static String kubectl() {
        String configured = System.getenv("SHOP_KUBECTL");
        return configured == null || configured.isBlank() ? "kubectl" : configured;
    }
}
