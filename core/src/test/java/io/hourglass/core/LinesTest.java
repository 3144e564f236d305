package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinesTest {
    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theFirstNewlineIsFoundAsAByteByByteScanFindsIt() {
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(80)];
            random.nextBytes(b);
            // Bytes next to '\n' (0x09, 0x0B, 0x8A) and sparse or dense newlines are where a word trick could slip.
            int density = 1 + random.nextInt(40);
            for (int i = 0; i < b.length; i++) {
                int pick = random.nextInt(density);
                b[i] = pick == 0 ? (byte) '\n' : pick == 1 ? (byte) 0x0B : pick == 2 ? (byte) 0x8A : pick == 3
                        ? (byte) 0x09 : b[i];
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(Lines.newline(b, from, to)).as("round %d", round).isEqualTo(naive(b, from, to));
        }
    }

    @Test
    void anEventLineLosesItsCarriageReturnAndBlankLinesAreNoEvents() {
        byte[] b = "{\"a\":1}\r\n \t\r\n\n{\"b\":2}".getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int[][] found = {{0, 8}, {9, 12}, {13, 13}, {14, b.length}};  // {"a":1}\r; space, tab, \r; empty; {"b":2}
        for (int[] line : found) {
            int end = Lines.eventEnd(b, line[0], line[1]);
            if (end >= 0) {
                lines.add(new String(b, line[0], end - line[0], StandardCharsets.UTF_8));
            }
        }
        assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void aBodysEventsAreItsEventLinesInPlace() {
        byte[] b = "{\"a\":1}\r\n \t\r\n\n{\"b\":2}\n\n{\"c\":3}".getBytes(StandardCharsets.UTF_8);
        Lines.Events events = Lines.events(b);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < events.count(); i++) {
            found.add(new String(b, events.from(i), events.to(i) - events.from(i), StandardCharsets.UTF_8));
        }
        assertThat(found).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
        assertThat(Lines.events(new byte[0]).count()).isZero();
        byte[] many = "x\n".repeat(1000).getBytes(StandardCharsets.UTF_8);  // past the first array of bounds
        assertThat(Lines.events(many).count()).isEqualTo(1000);
        assertThat(Lines.events(many).from(999)).isEqualTo(1998);
    }

    @Test
    void noNewlineAndEmptyRangesGiveMinusOne() {
        byte[] b = "no newline here, not one".getBytes();
        assertThat(Lines.newline(b, 0, b.length)).isEqualTo(-1);
        assertThat(Lines.newline(b, 3, 3)).isEqualTo(-1);
        byte[] last = "abcdefghijklmnop\n".getBytes();
        assertThat(Lines.newline(last, 0, last.length)).isEqualTo(16);
        assertThat(Lines.newline(last, 0, 16)).isEqualTo(-1);
    }
}
