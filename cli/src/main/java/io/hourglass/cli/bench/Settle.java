package io.hourglass.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets the JVM settle before a timed phase: waits until the JIT has compiled what the phases before made hot, then
 * collects their garbage, so that neither is charged to the phase. Without the wait, round 1's raw produce spent a
 * fifth to a third of its CPU in the JIT, compiling the end-to-end warm-up's code, and ran slower than the later
 * rounds: a low denominator that made round 1's ratio the highest.
 *
 * @param compileMillis the JIT's compile time so far, in milliseconds ({@link CompilationMXBean})
 * @param sleeper       waits out a window
 */
record Settle(LongSupplier compileMillis, Sleeper sleeper) {
    /** The JIT is idle when it compiled for less than {@link #QUIET_MILLIS} in a window this long. */
    static final Duration WINDOW = Duration.ofMillis(500);
    static final long QUIET_MILLIS = 10;
    /** The wait's bound: a JIT that never goes quiet costs a phase this at most. */
    static final int MAX_WINDOWS = 40;

    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** This JVM's JIT; a JVM without one's compile time counts as always idle. */
    static Settle jvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        LongSupplier millis = jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit::getTotalCompilationTime : () -> 0;
        return new Settle(millis, d -> Thread.sleep(d.toMillis()));
    }

    /** Waits for the JIT, saying so when it did not go quiet, then collects garbage: right before the clock starts. */
    void beforeTimedPhase() throws InterruptedException {
        if (!await()) {
            BenchCommand.progress("the JIT was still compiling after " + WINDOW.multipliedBy(MAX_WINDOWS).toSeconds()
                    + " s; timing the phase anyway (its figures include that compiling)");
        }
        System.gc();
    }

    /** Waits for the JIT to go quiet; whether it did within the bound. */
    boolean await() throws InterruptedException {
        boolean quiet = false;
        long before = compileMillis.getAsLong();
        for (int i = 0; i < MAX_WINDOWS && !quiet; i++) {
            sleeper.sleep(WINDOW);
            long now = compileMillis.getAsLong();
            quiet = now - before < QUIET_MILLIS;
            before = now;
        }
        return quiet;
    }
}
