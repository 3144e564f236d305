package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SettleTest {
    private final List<Duration> slept = new ArrayList<>();
    private final AtomicLong compiled = new AtomicLong();

    /** A JIT that compiles for {@code busyMillis[i]} during the i-th window, and not at all after the last. */
    private Settle jitBusyFor(long... busyMillis) {
        return new Settle(compiled::get, d -> {
            int window = slept.size();
            slept.add(d);
            if (window < busyMillis.length) {
                compiled.addAndGet(busyMillis[window]);
            }
        });
    }

    @Test
    void waitsUntilAWindowPassesWithoutCompiling() throws InterruptedException {
        Settle settle = jitBusyFor(300, 120, Settle.QUIET_MILLIS, Settle.QUIET_MILLIS - 1);

        assertThat(settle.await()).isTrue();
        assertThat(slept).hasSize(4).allMatch(Settle.WINDOW::equals);
    }

    @Test
    void anIdleJitCostsOneWindow() throws InterruptedException {
        assertThat(jitBusyFor().await()).isTrue();
        assertThat(slept).hasSize(1);
    }

    @Test
    void aJitThatNeverGoesQuietIsWaitedForAtMostTheBound() throws InterruptedException {
        long[] busy = new long[Settle.MAX_WINDOWS + 10];
        Arrays.fill(busy, 50);

        assertThat(jitBusyFor(busy).await()).isFalse();
        assertThat(slept).hasSize(Settle.MAX_WINDOWS);
    }

    @Test
    void thisJvmsJitGoesQuietWhenNothingRuns() throws InterruptedException {
        assertThat(Settle.jvm().await()).isTrue();
    }
}
