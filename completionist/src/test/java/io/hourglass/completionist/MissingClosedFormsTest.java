package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class MissingClosedFormsTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Seal SEAL = new Seal("Play", H10, Map.of(0, 5L), true, List.of("web-1"), List.of(),
            H10.plusSeconds(3700));
    private static final Finalized PART = new Finalized("Play", H10, 0, "part-0.avro", 6, 0, 0, Map.of("web-1", 6L),
            H10.plusSeconds(3710));
    private static final Set<BucketId> CLOSED = Set.of(SEAL.bucket());

    private final MissingClosedForms missing = new MissingClosedForms();
    private long offset;

    @Test
    void aClosedBucketsRecordsInFullWithNoClosedFormAfterThemAreMissingTheirs() {
        note(new ProducerRecord<>(Topics.SEALS, SEAL.bucket().key(), Json.toBytes(SEAL)));
        note(new ProducerRecord<>(Topics.FINALIZED, null, PART.key(), Json.toBytes(PART), PART.headers()));

        assertThat(missing.size()).isEqualTo(2);
    }

    @Test
    void aClosedFormAfterTheFullRecordIsNotMissing() {
        note(new ProducerRecord<>(Topics.SEALS, SEAL.bucket().key(), Json.toBytes(SEAL)));
        note(new ProducerRecord<>(Topics.FINALIZED, null, PART.key(), Json.toBytes(PART), PART.headers()));
        note(ClosedForm.of(SEAL));
        note(ClosedForm.of(PART));

        assertThat(missing.size()).isZero();
    }

    @Test
    void aRecordInFullAfterItsClosedFormIsTheLatestAgain() {
        note(ClosedForm.of(SEAL));
        note(new ProducerRecord<>(Topics.SEALS, SEAL.bucket().key(), Json.toBytes(SEAL)));

        assertThat(missing.size()).isEqualTo(1);
    }

    @Test
    void openBucketsTombstonesAndOtherTopicsAreNotMissingAnything() {
        Seal open = new Seal("Play", H10.plusSeconds(3600), Map.of(), true, List.of("web-1"), List.of(), H10);
        note(new ProducerRecord<>(Topics.SEALS, open.bucket().key(), Json.toBytes(open)));
        note(new ProducerRecord<>(Topics.BUCKETS, SEAL.bucket().key(), new byte[] {'{'}));
        note(new ProducerRecord<>(Topics.SEALS, "not a bucket", Json.toBytes(SEAL)));
        note(new ProducerRecord<>(Topics.SEALS, null, Json.toBytes(SEAL)));
        note(new ProducerRecord<>(Topics.FINALIZED, null, PART.key(), Json.toBytes(PART), PART.headers()));
        note(new ProducerRecord<>(Topics.FINALIZED, PART.key(), null));

        assertThat(missing.size()).isZero();
    }

    private void note(ProducerRecord<String, byte[]> p) {
        missing.note(new ConsumerRecord<>(p.topic(), 0, offset++, 0L, TimestampType.CREATE_TIME, 0, 0, p.key(),
                p.value(), p.headers(), Optional.empty()), CLOSED::contains);
    }
}
