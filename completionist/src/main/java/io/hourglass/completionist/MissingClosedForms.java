package io.hourglass.completionist;

import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals and finalized partitions of closed buckets whose latest record, read at start, is still in full: the
 * completionist stopped between a bucket's announcement and its closed forms. Their closed forms are written then, or
 * compaction would keep their host lists, megabytes a bucket at tens of thousands of hosts, until the retention.
 * Synchronized: the tailer's thread notes, the starting thread reads again.
 */
final class MissingClosedForms {
    private static final Logger log = LoggerFactory.getLogger(MissingClosedForms.class);

    private record Decision(String topic, String key) {
    }

    private record Location(TopicPartition partition, long offset) {
    }

    private final Map<Decision, Location> latestInFull = new HashMap<>();

    /** Takes note of a control record read at start, before the ledger takes it in. */
    synchronized void note(ConsumerRecord<String, byte[]> r, Predicate<BucketId> isClosed) {
        if (!r.topic().equals(Topics.SEALS) && !r.topic().equals(Topics.FINALIZED) || r.key() == null) {
            return;
        }
        Decision d = new Decision(r.topic(), r.key());
        Optional<BucketId> bucket = BucketId.ofKey(r.key());
        if (r.value() != null && !ClosedForm.isClosedForm(r.headers()) && bucket.filter(isClosed).isPresent()) {
            latestInFull.put(d, new Location(new TopicPartition(r.topic(), r.partition()), r.offset()));
        } else {
            latestInFull.remove(d);
        }
    }

    synchronized int size() {
        return latestInFull.size();
    }

    /**
     * The closed forms of the records noted in full, each read again from Kafka (the reading at start skips a closed
     * bucket's values unread). A record that compaction has removed since, or that cannot be read, is left out.
     */
    synchronized List<ProducerRecord<String, byte[]>> closedForms(Consumer<String, byte[]> consumer,
                                                                  Duration timeout) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        latestInFull.forEach((d, at) -> readAgain(consumer, at, timeout)
                .flatMap(r -> closedForm(d, r))
                .ifPresent(records::add));
        consumer.unsubscribe();
        latestInFull.clear();
        return records;
    }

    private static Optional<ConsumerRecord<String, byte[]>> readAgain(Consumer<String, byte[]> consumer, Location at,
                                                                      Duration timeout) {
        consumer.assign(List.of(at.partition()));
        consumer.seek(at.partition(), at.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, byte[]>> read = consumer.poll(Duration.ofMillis(200)).records(at.partition());
            if (!read.isEmpty()) {
                // A later offset first: compaction removed the record, as a closed form came after it.
                return read.get(0).offset() == at.offset() ? Optional.of(read.get(0)) : Optional.empty();
            }
        }
        log.warn("Could not read {} at offset {} again within {}; its closed form is not written. Nothing is lost: the"
                + " record keeps its host lists until the retention.", at.partition(), at.offset(), timeout);
        return Optional.empty();
    }

    private static Optional<ProducerRecord<String, byte[]>> closedForm(Decision d, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null || !d.key().equals(r.key())) {
            return Optional.empty();
        }
        try {
            return Optional.of(r.topic().equals(Topics.SEALS)
                    ? ClosedForm.of(Json.fromBytes(r.value(), Seal.class))
                    : ClosedForm.of(Json.fromBytes(r.value(), Finalized.class)));
        } catch (RuntimeException e) {
            log.warn("Skipped {} at {}-{} (key {}): unreadable, so its closed form is not written: {}", r.topic(),
                    r.partition(), r.offset(), r.key(), e.getMessage());
            return Optional.empty();
        }
    }
}
