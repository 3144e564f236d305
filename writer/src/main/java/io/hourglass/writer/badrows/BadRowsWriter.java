package io.hourglass.writer.badrows;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.EventTypes;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.service.Service;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files rejected events from {@code _hourglass.badrows} under {@code badrows/<type>/dt=.../hour=.../}, one JSON line
 * each with its reason, by the hour it was received. Offsets are committed only after the files are written.
 */
public final class BadRowsWriter implements Service {
    private static final Logger log = LoggerFactory.getLogger(BadRowsWriter.class);

    private final KafkaSettings kafka;
    private final LakeStore lake;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Thread thread = new Thread(this::run, "badrows-writer");
    private KafkaConsumer<String, byte[]> consumer;

    public BadRowsWriter(KafkaSettings kafka, LakeStore lake) {
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.lake = requireNonNull(lake, "lake is null");
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            consumer = new KafkaConsumer<>(kafka.consumer("hourglass-badrows", "hourglass-badrows"));
            thread.start();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.BADROWS));
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                while (!write(records) && running.get()) {
                    Thread.sleep(5000);
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Rows of one batch bound for one file; the file is named by the first row's offset. */
    private record Chunk(long firstOffset, List<byte[]> rows) {
    }

    /** Writes one file per (type, hour, partition) of the batch, named by its first offset so a rewrite replaces it. */
    private boolean write(ConsumerRecords<String, byte[]> records) {
        Map<String, Chunk> files = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            String type = BadRow.UNKNOWN_TYPE;
            Instant received = Instant.ofEpochMilli(r.timestamp());
            try {
                BadRow row = Json.fromBytes(r.value(), BadRow.class);
                type = EventTypes.isValidName(row.type()) ? row.type() : BadRow.UNKNOWN_TYPE;
                received = row.receivedAt();
            } catch (RuntimeException e) {
                log.warn("Bad row {}-{}@{} is itself unreadable; filing it as it is", r.topic(), r.partition(),
                        r.offset());
            }
            String prefix = "badrows/" + type + "/" + Hours.partitionPath(Hours.hourOf(received)) + "/part-"
                    + r.partition() + "-";
            files.computeIfAbsent(prefix, d -> new Chunk(r.offset(), new ArrayList<>())).rows().add(r.value());
        }
        try {
            for (var e : files.entrySet()) {
                String path = e.getKey() + String.format("%012d", e.getValue().firstOffset()) + ".jsonl";
                lake.writeAtomically(path, out -> {
                    for (byte[] v : e.getValue().rows()) {
                        out.write(v);
                        out.write('\n');
                    }
                });
            }
            return true;
        } catch (IOException e) {
            log.error("Cannot write bad rows ({}); retrying in 5 s. Free space or fix permissions on the lake.",
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String name() {
        return "badrows-writer";
    }
}
