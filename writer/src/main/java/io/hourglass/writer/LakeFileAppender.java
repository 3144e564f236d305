package io.hourglass.writer;

import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.HourglassException;
import io.hourglass.core.avro.AvroCheck;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.PayloadConverter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Appends staged events to a lake file of one schema version, each the cheapest way its form allows: a lake record
 * of the file's version as its bytes (checked first unless it was when staged, as a damaged one would spoil the
 * file), one of an older version through Avro's schema resolution, and an event staged as JSON (from a collector
 * before format 2) encoded straight from it, or else through a record.
 */
final class LakeFileAppender {
    private final DataFileWriter<GenericData.Record> file;
    private final EventType type;
    private final int version;
    private final Schema schema;
    private final LakeRecordEncoder fromJson;
    private final EnvelopeParser.PayloadReader<GenericData.Record> jsonPayload;
    private final Map<Integer, GenericDatumReader<GenericData.Record>> olderVersions = new HashMap<>();
    private final AvroCheck check = new AvroCheck();
    private BinaryDecoder decoder;

    /** For a file of {@code type} in its schema {@code version}, whose payload schema is {@code payload}. */
    LakeFileAppender(DataFileWriter<GenericData.Record> file, EventType type, int version, Schema payload) {
        this.file = file;
        this.type = type;
        this.version = version;
        this.schema = LakeRecords.schema(type.name(), payload);
        this.fromJson = new LakeRecordEncoder(payload);
        this.jsonPayload = (p, t, v) -> PayloadConverter.read(p, payload);
    }

    void append(SpillFile.Spilled e) throws IOException {
        if (e.form() == SpillFile.Form.JSON) {
            Optional<ByteBuffer> encoded = fromJson.encode(e.raw(), e.late());
            if (encoded.isPresent()) {
                file.appendEncoded(encoded.get());
            } else {
                file.append(LakeRecords.toRecord(EnvelopeParser.parse(e.raw(), jsonPayload), e.late(), schema));
            }
            return;
        }
        byte[] record = e.raw();
        try {
            if (e.late()) {
                record[LakeRecords.envelope(record).lateAt()] = 1;
            }
            if (e.version() == version) {
                Optional<String> problem = e.form() == SpillFile.Form.AVRO_CHECKED ? Optional.empty()
                        : check.problem(schema, record);
                if (problem.isPresent()) {
                    throw new IOException(problem.get());
                }
                file.appendEncoded(ByteBuffer.wrap(record));
            } else {
                decoder = DecoderFactory.get().binaryDecoder(record, decoder);
                file.append(olderVersions.computeIfAbsent(e.version(), this::resolving).read(null, decoder));
            }
        } catch (IOException | AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException bad) {
            throw new HourglassException("the event at offset " + e.offset() + " is not a valid " + type.name()
                    + " record of schema version " + e.version() + " (" + bad.getMessage() + "); was it written to"
                    + " Kafka by something other than a collector?", bad);
        }
    }

    /** Reads records of an older version of the type into the file's. */
    private GenericDatumReader<GenericData.Record> resolving(int older) {
        Schema payload = type.schema(older).orElseThrow(() -> new HourglassException(
                "type " + type.name() + " lost schema version " + older));
        return new GenericDatumReader<>(LakeRecords.schema(type.name(), payload), schema);
    }
}
