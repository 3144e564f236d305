package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HostNamesTest {
    @Test
    void aLongListShowsItsFirstNamesAndCountsTheRest() {
        List<String> many = IntStream.range(0, 60_001).mapToObj(i -> "host-" + i).toList();
        String line = HostNames.brief(many);
        assertThat(line).startsWith("60001 hosts: host-0, host-1, ")
                .endsWith("host-9 and " + (many.size() - HostNames.SHOWN) + " more");
        assertThat(line).hasSizeLessThan(200);
    }

    @Test
    void aShortListIsWhole() {
        assertThat(HostNames.brief(List.of("a", "b"))).isEqualTo("2 hosts: a, b");
        assertThat(HostNames.brief(List.of("a"))).isEqualTo("1 host: a");
        assertThat(HostNames.brief(List.of())).isEqualTo("0 hosts");
    }
}
