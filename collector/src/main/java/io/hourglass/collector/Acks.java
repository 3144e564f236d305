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
 * Kafka's acknowledgements of the records sent for one batch, in the order they were sent: one counter and one
 * future for the whole batch rather than a future per record and a tree of them to wait on.
 */
final class Acks {
    private final RecordMetadata[] results;
    /** Records not yet acknowledged, plus one until {@link #await} says that no more will be sent. */
    private final AtomicInteger pending = new AtomicInteger(1);
    private final CompletableFuture<Void> all = new CompletableFuture<>();
    private int sent;
    private boolean closed;

    /** Acknowledgements of at most {@code maxRecords} records. */
    Acks(int maxRecords) {
        results = new RecordMetadata[maxRecords];
    }

    /** Sends the next record and returns its index; a send that fails at once fails the batch. */
    int send(KafkaProducer<String, byte[]> via, ProducerRecord<String, byte[]> record) {
        int index = sent++;
        pending.incrementAndGet();
        Callback done = (md, ex) -> {
            if (ex != null) {
                all.completeExceptionally(ex);
                return;
            }
            results[index] = md;
            arrived();
        };
        try {
            via.send(record, done);
        } catch (RuntimeException e) {
            all.completeExceptionally(e);
        }
        return index;
    }

    /** Fails the batch with a problem met before a record could be sent. */
    void fail(Throwable cause) {
        all.completeExceptionally(cause);
    }

    boolean failed() {
        return all.isCompletedExceptionally();
    }

    /**
     * Waits until Kafka acknowledged every record sent; throws what went wrong with the first one that failed.
     * Nothing may be sent after it is called.
     */
    void await(Duration timeout) throws ExecutionException, TimeoutException, InterruptedException {
        if (!closed) {
            closed = true;
            arrived();
        }
        all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The acknowledgement of the record sent with {@code index}, once {@link #await} returned. */
    RecordMetadata get(int index) {
        return results[index];
    }

    private void arrived() {
        if (pending.decrementAndGet() == 0) {
            all.complete(null);
        }
    }
}
