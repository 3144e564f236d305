package io.hourglass.core.control;

import io.hourglass.core.Json;
import io.hourglass.core.kafka.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A bucket's seal and finalized partitions are written again under their keys once the bucket has closed, in their
 * closed form: without their host lists and tallies, which the bucket's {@code _SUCCESS} holds from then on, and with
 * the header {@link #HEADER}. The decisions topics are compacted, so Kafka then keeps only that form. At tens of
 * thousands of hosts a closed bucket's records go from megabytes to a few hundred bytes, and every component reads
 * weeks of them at start.
 */
public final class ClosedForm {
    /** Marks a decision record of a closed bucket; its value is one byte, {@code 1}. */
    public static final String HEADER = "hourglass-closed";
    private static final byte[] MARK = {1};

    private ClosedForm() {
    }

    /** New headers that mark a record as a closed form. */
    public static Headers headers() {
        return mark(new RecordHeaders());
    }

    /** The record's headers, marked as a closed form's. */
    public static Headers mark(Headers headers) {
        return headers.add(HEADER, MARK.clone());
    }

    /** The closed form of a closed bucket's seal, under the seal's key. */
    public static ProducerRecord<String, byte[]> of(Seal seal) {
        return new ProducerRecord<>(Topics.SEALS, null, seal.bucket().key(), Json.toBytes(seal.withoutHosts()),
                headers());
    }

    /** The closed form of a closed bucket's finalized partition, under its key; it keeps its time header. */
    public static ProducerRecord<String, byte[]> of(Finalized f) {
        return new ProducerRecord<>(Topics.FINALIZED, null, f.key(), Json.toBytes(f.withoutHosts()),
                mark(f.headers()));
    }

    /** Whether a record is a closed form: its bucket closed, and its value names no hosts. */
    public static boolean isClosedForm(Headers headers) {
        return headers.lastHeader(HEADER) != null;
    }
}
