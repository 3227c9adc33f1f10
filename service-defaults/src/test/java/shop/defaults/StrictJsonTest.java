package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    record Order(
            String item,
            @Nullable Integer quantity,
            @Nullable BigDecimal price) {}

    @Test
    void readsARecord() {
        assertThat(read("{\"item\":\"mug\",\"quantity\":2,\"price\":12.50}"))
                .isEqualTo(new Order("mug", 2, new BigDecimal("12.50")));
    }

    @Test
    void refusesUnknownFieldsNamingThemOnlyWhenPlain() {
        assertThat(problem("{\"item\":\"mug\",\"colour\":1}").errors())
                .containsExactly(new Problem.FieldError("colour", "is not a known field"));
        assertThat(problem("{\"item\":\"mug\",\"<script>\":1}").errors())
                .containsExactly(new Problem.FieldError("(unknown)", "is not a known field"));
    }

    @Test
    void refusesDuplicateKeysFractionsAndStringsForWholeNumbers() {
        assertThat(problem("{\"item\":\"mug\",\"item\":\"cap\"}").detail())
                .isEqualTo("The request body names a field twice");
        assertThat(problem("{\"item\":\"mug\",\"quantity\":1.5}").errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("quantity");
        assertThat(problem("{\"item\":\"mug\",\"quantity\":\"2\"}").errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("quantity");
    }

    @Test
    void refusesWhatIsNotAJsonObjectWithoutEchoingIt() {
        Problem notJson = problem("<xml>secret</xml>");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.detail()).doesNotContain("secret");
        assertThat(problem("[1,2]").errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("(body)");
        assertThat(problem("").detail()).isEqualTo("The request body is missing");
    }

    @Test
    void writesExactDecimalsAndIsoInstants() {
        record Answer(
                BigDecimal amount, Instant at, @Nullable String none) {}
        assertThat(StrictJson.write(new Answer(new BigDecimal("100.00"), Instant.parse("2026-01-01T00:00:00Z"), null))
                        .toString())
                .isEqualTo("{\"amount\":100.00,\"at\":\"2026-01-01T00:00:00Z\",\"none\":null}");
    }

    private static Order read(String json) {
        return StrictJson.read(Buffer.buffer(json), Order.class);
    }

    private static Problem problem(String json) {
        try {
            read(json);
        } catch (ProblemException e) {
            return e.problem();
        }
        throw new AssertionError("accepted " + json);
    }
}
