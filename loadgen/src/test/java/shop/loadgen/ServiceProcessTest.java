package shop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the benchmark reads of a service's process and log, here of this test's own JVM. */
class ServiceProcessTest {

    @Test
    void readsAProcesssCpuAndMemory() {
        ServiceProcess self =
                ServiceProcess.parse("api-gateway=" + ProcessHandle.current().pid(), Path.of("logs"));

        assertThat(self.log()).isEqualTo(Path.of("logs", "api-gateway.log"));
        assertThat(self.cpu()).isPositive();
        assertThat(self.residentMegabytes())
                .hasValueSatisfying(mb -> assertThat(mb).isPositive());
    }

    @Test
    void countsTheLinesWrittenAfterAPoint(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("order-service.log");
        Files.writeString(log, "Thread vert.x-eventloop-thread-0 has been blocked for 2000 ms\n");
        ServiceProcess service = ServiceProcess.parse("order-service=1", logs);
        long from = service.logSize();
        Files.writeString(
                log,
                "ok\nThread vert.x-eventloop-thread-1 has been blocked for 3000 ms\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(service.linesContaining("has been blocked for", from)).isEqualTo(1);
        assertThat(service.linesContaining("has been blocked for", 0)).isEqualTo(2);
        assertThat(ServiceProcess.parse("gone=1", logs.resolve("none")).linesContaining("x", 0))
                .isZero();
    }

    @Test
    void isGoneWithoutCpu() {
        assertThat(ServiceProcess.parse("gone=999999999", Path.of(".")).cpu()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> ServiceProcess.parse("order-service", Path.of(".")))
                .hasMessage("--service must be name=pid (it is order-service)");
    }
}
