package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Json;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Owner;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.core.registry.Sink;
import io.hourglass.core.registry.Tier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Every form a staged event can take ends up as the same kind of record in a file of the newest version. */
class LakeFileAppenderTest {
    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Play","fields":[{"name":"track","type":"string"},{"name":"ms","type":"int"}]}""");
    private static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Play","fields":[{"name":"track","type":"string"},{"name":"ms","type":"long"},
             {"name":"source","type":"string","default":"unknown"}]}""");
    private static final EventType PLAY = new EventType("Play", new Owner("team", "team@example.com"), false,
            Tier.NORMAL, "default", Set.of(Sink.LAKE), new TreeMap<>(java.util.Map.of(1, V1, 2, V2)), List.of(),
            Duration.ofHours(2), 0);
    private static final Instant LOGGED = Instant.parse("2026-11-24T10:15:00.250Z");

    @Test
    void avroOfEachVersionAndJsonAllReadBackInTheNewestVersion() throws IOException {
        List<SpillFile.Spilled> staged = List.of(
                avro(1, 2, false, "{\"track\":\"a\",\"ms\":5}"),
                avro(2, 1, true, "{\"track\":\"b\",\"ms\":6}"),
                avro(3, 2, true, "{\"track\":\"c\",\"ms\":7,\"source\":\"radio\"}"),
                json(4, 1, false, "{\"track\":\"d\",\"ms\":8}"),
                json(5, 2, true, "{\"track\":\"e\",\"ms\":9,\"source\":\"search\"}"));
        List<GenericRecord> read = AvroFiles.records(write(staged));

        assertThat(read).extracting(r -> r.get("payload").toString()).containsExactly(
                "{\"track\": \"a\", \"ms\": 5, \"source\": \"unknown\"}",
                "{\"track\": \"b\", \"ms\": 6, \"source\": \"unknown\"}",
                "{\"track\": \"c\", \"ms\": 7, \"source\": \"radio\"}",
                "{\"track\": \"d\", \"ms\": 8, \"source\": \"unknown\"}",
                "{\"track\": \"e\", \"ms\": 9, \"source\": \"search\"}");
        assertThat(read).extracting(r -> r.get("late")).containsExactly(false, true, true, false, true);
        assertThat(read).extracting(r -> r.get("version")).containsExactly(2, 1, 2, 1, 2);
        assertThat(read).extracting(r -> r.get("logged_at")).containsOnly(LOGGED.toEpochMilli());
        assertThat(read).extracting(r -> r.get("host").toString()).containsOnly("web-1");
    }

    @Test
    void aDamagedRecordStopsTheFileInsteadOfSpoilingIt() throws IOException {
        SpillFile.Spilled good = avro(1, 2, false, "{\"track\":\"a\",\"ms\":5}");
        byte[] cut = java.util.Arrays.copyOf(good.raw(), good.raw().length - 2);
        byte[] longer = java.util.Arrays.copyOf(good.raw(), good.raw().length + 1);
        for (byte[] bad : List.of(cut, longer)) {
            SpillFile.Spilled damaged = new SpillFile.Spilled(0, 7, false, SpillFile.Form.AVRO, 2, "web-1", bad);
            assertThatThrownBy(() -> write(List.of(damaged))).isInstanceOf(HourglassException.class)
                    .hasMessageContaining("offset 7").hasMessageContaining("not a valid Play record");
        }
    }

    private static byte[] write(List<SpillFile.Spilled> staged) throws IOException {
        Schema schema = LakeRecords.schema("Play", V2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.create(schema, out);
            LakeFileAppender appender = new LakeFileAppender(w, PLAY, 2, V2);
            for (SpillFile.Spilled e : staged) {
                appender.append(e);
            }
        }
        return out.toByteArray();
    }

    /** As a collector of format 2 sends it, and the writer stages it. */
    private static SpillFile.Spilled avro(long offset, int version, boolean late, String payloadJson)
            throws IOException {
        Schema schema = PLAY.schema(version).orElseThrow();
        byte[] payload = AvroBytes.of(schema, PayloadConverter.toRecord(Json.MAPPER.readTree(payloadJson), schema));
        EnvelopeHeader h = new EnvelopeHeader(UUID.randomUUID().toString(), version, null, LOGGED, LOGGED, "web-1",
                false);
        return new SpillFile.Spilled(0, offset, late, SpillFile.Form.AVRO, version, "web-1",
                LakeRecordEncoder.fromKafka("Play", h, payload));
    }

    /** As a collector before format 2 sent it: the event's JSON. */
    private static SpillFile.Spilled json(long offset, int version, boolean late, String payloadJson) {
        String event = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"Play\",\"version\":" + version
                + ",\"logged_at\":\"" + LOGGED + "\",\"received_at\":\"" + LOGGED + "\",\"host\":\"web-1\","
                + "\"payload\":" + payloadJson + "}";
        return new SpillFile.Spilled(0, offset, late, SpillFile.Form.JSON, version, "web-1",
                event.getBytes(StandardCharsets.UTF_8));
    }
}
