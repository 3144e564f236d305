package io.hourglass.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where fault tests stop a process dead. When the environment variable {@code HOURGLASS_FAIL_AT} is
 * {@code name} (or {@code name:N} for the N-th time it is reached), the process prints {@code FAILPOINT name} and
 * freezes, so the test can SIGKILL it at exactly that moment. Without the variable this is a no-op.
 */
public final class FailPoints {
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
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // frozen until killed
            }
        }
    }
}
