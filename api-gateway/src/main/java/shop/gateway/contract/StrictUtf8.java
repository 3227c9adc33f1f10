package shop.gateway.contract;

import io.vertx.core.buffer.Buffer;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF, no stray continuation bytes. The gateway's validator reads a body leniently (a
 * malformed sequence becomes U+FFFD) while the JSON parser behind it decodes an overlong
 * {@code C1 A1} as {@code a}: the two would read different documents, so a body that is not
 * well-formed is refused before either looks at it.
 */
final class StrictUtf8 {

    private static final int[] BYTE_ORDER_MARK = {0xef, 0xbb, 0xbf};

    private StrictUtf8() {}

    /**
     * Whether bytes are JSON text as RFC 8259 has it sent: well-formed UTF-8, no byte order mark,
     * and no control character but tab, line feed and carriage return (JSON has none raw, in a
     * string or out). Jackson, which reads the body behind the gateway, takes UTF-16 and UTF-32
     * too, telling them by their zero bytes, and skips a byte order mark: without a mark, UTF-16
     * and UTF-32 text is ASCII bytes and zeros, well-formed UTF-8 that a lenient reader and
     * Jackson would read as two different documents.
     */
    static boolean jsonText(Buffer bytes) {
        if (bytes.length() >= BYTE_ORDER_MARK.length
                && (bytes.getByte(0) & 0xff) == BYTE_ORDER_MARK[0]
                && (bytes.getByte(1) & 0xff) == BYTE_ORDER_MARK[1]
                && (bytes.getByte(2) & 0xff) == BYTE_ORDER_MARK[2]) {
            return false;
        }
        for (int i = 0; i < bytes.length(); i++) {
            byte b = bytes.getByte(i);
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return wellFormed(bytes);
    }

    static boolean wellFormed(Buffer bytes) {
        int length = bytes.length();
        int i = 0;
        while (i < length) {
            int b = bytes.getByte(i) & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int continuations;
            int min;
            int max = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                continuations = 1;
                min = 0x80;
            } else if (b == 0xe0) {
                continuations = 2;
                min = 0xa0;
            } else if (b == 0xed) {
                continuations = 2;
                min = 0x80;
                max = 0x9f;
            } else if (b >= 0xe1 && b <= 0xef) {
                continuations = 2;
                min = 0x80;
            } else if (b == 0xf0) {
                continuations = 3;
                min = 0x90;
            } else if (b >= 0xf1 && b <= 0xf3) {
                continuations = 3;
                min = 0x80;
            } else if (b == 0xf4) {
                continuations = 3;
                min = 0x80;
                max = 0x8f;
            } else {
                return false;
            }
            if (i + continuations >= length) {
                return false;
            }
            int second = bytes.getByte(i + 1) & 0xff;
            if (second < min || second > max) {
                return false;
            }
            for (int c = 2; c <= continuations; c++) {
                int next = bytes.getByte(i + c) & 0xff;
                if (next < 0x80 || next > 0xbf) {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
