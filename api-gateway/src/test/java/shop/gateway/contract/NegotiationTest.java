package shop.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.web.impl.ParsableMIMEValue;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NegotiationTest {

    @Test
    void acceptsJsonWhereverTheClientDoes() {
        assertThat(accepts(null)).isTrue();
        assertThat(accepts("application/json")).isTrue();
        assertThat(accepts("application/*")).isTrue();
        assertThat(accepts("*/*")).isTrue();
        assertThat(accepts("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
                .isTrue();
        assertThat(accepts("application/xml, application/json;q=0.1")).isTrue();
    }

    @Test
    void refusesWhereTheClientRulesJsonOut() {
        assertThat(accepts("application/xml")).isFalse();
        assertThat(accepts("text/html")).isFalse();
        assertThat(accepts("application/problem+json")).isFalse();
        assertThat(accepts("application/json;q=0, */*"))
                .as("the most specific range decides")
                .isFalse();
        assertThat(accepts("*/*;q=0")).isFalse();
    }

    private static boolean accepts(String accept) {
        List<io.vertx.ext.web.MIMEHeader> ranges = accept == null
                ? List.of()
                : Arrays.stream(accept.split(","))
                        .map(range -> (io.vertx.ext.web.MIMEHeader) new ParsableMIMEValue(range.strip()).forceParse())
                        .toList();
        return Negotiation.acceptsJson(ranges);
    }
}
