package io.hourglass.bench;

import io.hourglass.writer.IdOffsets;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The writer's dedup: staging {@value #IDS} ids (one in ten a duplicate) into a fresh index, growth included, with
 * the writer's {@link IdOffsets} and with the {@code HashMap<String, ...>} it replaced. Results are per id.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class Dedup {
    static final int IDS = 100_000;
    private final byte[][] ids = new byte[IDS][];

    @Setup
    public void setup() {
        for (int i = 0; i < IDS; i++) {
            ids[i] = i % 10 == 9 ? ids[i - 1] : UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A fresh string, as the writer reads each id from an event's bytes (so its hash is not cached yet). */
    private String id(int i) {
        return new String(ids[i], StandardCharsets.US_ASCII);
    }

    @Benchmark
    @OperationsPerInvocation(IDS)
    public int idOffsets() {
        IdOffsets index = new IdOffsets();
        for (int i = 0; i < IDS; i++) {
            index.putIfAbsent(id(i), i);
        }
        return index.size();
    }

    @Benchmark
    @OperationsPerInvocation(IDS)
    public int hashMap() {
        Map<String, Long> index = new HashMap<>();
        for (int i = 0; i < IDS; i++) {
            index.putIfAbsent(id(i), (long) i);
        }
        return index.size();
    }
}
