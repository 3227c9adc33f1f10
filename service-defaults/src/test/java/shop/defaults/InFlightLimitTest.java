package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class InFlightLimitTest {

    private final InFlightLimit limit = new InFlightLimit(2, JsonMapper.builder().build());

    @Test
    void refusesWith503WhileTheLimitIsInUseAndServesAgainOnceARequestEnds() throws Exception {
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        FilterChain holding = (request, response) -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread first = Thread.ofVirtual().start(() -> call("/orders", holding));
        Thread second = Thread.ofVirtual().start(() -> call("/orders", holding));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = call("/orders", (request, response) -> { });
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getContentAsString()).contains("urn:shop:problem:overloaded");
        assertThat(call("/actuator/health/readiness", (request, response) -> { }).getStatus())
            .as("probes pass however busy the service is").isEqualTo(200);

        release.countDown();
        first.join();
        second.join();
        assertThat(call("/orders", (request, response) -> { }).getStatus()).isEqualTo(200);
    }

    @Test
    void limitsNothingWhenSetToZero() throws Exception {
        InFlightLimit off = new InFlightLimit(0, JsonMapper.builder().build());
        MockHttpServletResponse response = new MockHttpServletResponse();
        off.doFilter(new MockHttpServletRequest("POST", "/orders"), response, (req, res) -> { });
        assertThat(response.getStatus()).isEqualTo(200);
    }

    private MockHttpServletResponse call(String path, FilterChain chain) {
        MockHttpServletResponse response = new MockHttpServletResponse();
        try {
            limit.doFilter(new MockHttpServletRequest("POST", path), response, chain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return response;
    }
}
