package io.hourglass.collector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Kafka's acknowledgements of one batch, in the batch's order: one counter and one future for the whole batch
 * rather than a future per event and a tree of them to wait on.
 */
final class Acks {
    private final RecordMetadata[] results;
    private final AtomicInteger pending;
    private final CompletableFuture<Void> all = new CompletableFuture<>();
    private int sent;

    Acks(int records) {
        results = new RecordMetadata[records];
        pending = new AtomicInteger(records);
        if (records == 0) {
            all.complete(null);
        }
    }

    /** Sends the next record of the batch; a send that fails at once fails the batch. */
    void send(KafkaProducer<String, byte[]> via, ProducerRecord<String, byte[]> record) {
        int index = sent++;
        Callback done = (md, ex) -> {
            if (ex != null) {
                all.completeExceptionally(ex);
                return;
            }
            results[index] = md;
            if (pending.decrementAndGet() == 0) {
                all.complete(null);
            }
        };
        try {
            via.send(record, done);
        } catch (RuntimeException e) {
            all.completeExceptionally(e);
        }
    }

    /** Waits until Kafka acknowledged every record; throws what went wrong with the first one that failed. */
    void await(Duration timeout) throws ExecutionException, TimeoutException, InterruptedException {
        all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The acknowledgement of the {@code index}-th record, once {@link #await} returned. */
    RecordMetadata get(int index) {
        return results[index];
    }
}
