package shop.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {

    @Test
    void takesWellFormedUtf8OfEveryLength() {
        assertThat(StrictUtf8.wellFormed(Buffer.buffer("{\"item\":\"t-shirt\",\"customer\":\"Grégor €𝄞\"}", "UTF-8")))
                .isTrue();
        assertThat(StrictUtf8.wellFormed(Buffer.buffer())).isTrue();
    }

    @Test
    void refusesOverlongFormsSurrogatesAndStrayBytes() {
        for (int[] bytes : new int[][] {
            {'c', 0xC1, 0xA1, 'p'}, // overlong 'a'
            {0xC0, 0xAE}, // overlong '.'
            {0xE0, 0x80, 0xAF}, // overlong '/'
            {0xF0, 0x80, 0x80, 0xAF}, // overlong '/'
            {0xED, 0xA0, 0x80}, // a surrogate
            {0xF4, 0x90, 0x80, 0x80}, // past U+10FFFF
            {0x80}, // a stray continuation byte
            {'a', 0xE2, 0x82}, // cut short
            {0xFF}
        }) {
            byte[] raw = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                raw[i] = (byte) bytes[i];
            }
            assertThat(StrictUtf8.wellFormed(Buffer.buffer(raw)))
                    .as(new String(raw, StandardCharsets.ISO_8859_1))
                    .isFalse();
        }
    }

    @Test
    void takesJsonTextAsRfc8259HasItSentOnly() {
        String order = "{\"item\":\"cap\",\n\t\"quantity\":1}\r\n";
        assertThat(StrictUtf8.jsonText(Buffer.buffer(order, "UTF-8"))).isTrue();
        assertThat(StrictUtf8.jsonText(Buffer.buffer())).isTrue();
        for (String encoding : new String[] {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"}) {
            assertThat(StrictUtf8.jsonText(Buffer.buffer(order.getBytes(java.nio.charset.Charset.forName(encoding)))))
                    .as(encoding)
                    .isFalse();
        }
        assertThat(StrictUtf8.jsonText(Buffer.buffer("\ufeff" + order, "UTF-8")))
                .as("a byte order mark")
                .isFalse();
        assertThat(StrictUtf8.jsonText(Buffer.buffer("{\"item\":\"c\u0000p\"}", "UTF-8")))
                .as("a raw NUL")
                .isFalse();
        assertThat(StrictUtf8.jsonText(Buffer.buffer("{\"item\":\"c\u001fp\"}", "UTF-8")))
                .as("a raw control character")
                .isFalse();
        assertThat(StrictUtf8.jsonText(Buffer.buffer(new byte[] {'"', (byte) 0xC1, (byte) 0xA1, '"'})))
                .as("an overlong form")
                .isFalse();
    }
}
