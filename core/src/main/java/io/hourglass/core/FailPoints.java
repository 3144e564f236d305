package io.hourglass.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where fault tests stop a process dead. When the environment variable {@code HOURGLASS_FAIL_AT} is
 * {@code name} (or {@code name:N} for the N-th time it is reached), the process prints {@code FAILPOINT name} and
 * freezes, so the test can SIGKILL it at exactly that moment. With {@code name:N:throw} the thread that reaches it
 * throws {@link Injected} instead, as a failure of what follows would, and the process goes on. Without the variable
 * this is a no-op.
 */
public final class FailPoints {
    /** The failure that a fail point in {@code throw} mode injects. */
    public static final class Injected extends HourglassException {
        Injected(String name) {
            super("failure injected at fail point " + name);
        }
    }

    private static final String SPEC = System.getenv("HOURGLASS_FAIL_AT");
    private static final AtomicInteger HITS = new AtomicInteger();

    private FailPoints() {
    }

    public static void reached(String name) {
        if (SPEC == null) {
            return;
        }
        String[] parts = SPEC.split(":");
        if (!parts[0].equals(name)) {
            return;
        }
        int nth = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
        if (HITS.incrementAndGet() != nth) {
            return;
        }
        System.out.println("FAILPOINT " + name);
        System.out.flush();
        if (parts.length > 2 && parts[2].equals("throw")) {
            throw new Injected(name);
        }
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // frozen until killed
            }
        }
    }
}
