package io.hourglass.writer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Reads Avro data files that tests wrote into memory, as a reader of the lake would. */
final class AvroFiles {
    private AvroFiles() {
    }

    static List<GenericRecord> records(byte[] file) throws IOException {
        List<GenericRecord> records = new ArrayList<>();
        try (DataFileReader<GenericRecord> r = open(file)) {
            r.forEach(records::add);
        }
        return records;
    }

    static int blocks(byte[] file) throws IOException {
        int blocks = 0;
        try (DataFileReader<GenericRecord> r = open(file)) {
            while (r.hasNext()) {
                r.nextBlock();
                blocks++;
            }
        }
        return blocks;
    }

    private static DataFileReader<GenericRecord> open(byte[] file) throws IOException {
        return new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>());
    }
}
