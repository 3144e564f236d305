package io.hourglass.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.avro.AvroBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class EventPackTest {
    @Test
    void readGivesBackTheRecordsInTheOrderTheyWereAdded() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            EventPack pack = new EventPack(16);
            List<byte[]> added = new ArrayList<>();
            for (int i = 0; i < random.nextInt(1, 50); i++) {
                byte[] record = new byte[random.nextInt(1, random.nextBoolean() ? 100 : 20_000)];
                random.nextBytes(record);
                added.add(record);
                AvroBuffer b = new AvroBuffer(4);
                b.write(record);
                pack.add(b);
            }
            EventPack.Contents read = EventPack.read(pack.toValue());
            assertThat(read.damage()).isNull();
            assertThat(read.records()).hasSize(added.size()).hasSize(pack.events());
            for (int i = 0; i < added.size(); i++) {
                assertThat(read.records().get(i)).isEqualTo(added.get(i));
            }
            pack.clear();
            assertThat(pack.events()).isZero();
            assertThat(EventPack.read(pack.toValue()).records()).isEmpty();
        }
    }

    @Test
    void aValueFromRecordsInPlaceIsTheValueOfAPackOfThem() throws IOException {
        Random random = new Random(5);
        EventPack.Compressor compressor = new EventPack.Compressor();
        for (int round = 0; round < 200; round++) {
            byte[] source = new byte[40_000];
            random.nextBytes(source);
            int count = random.nextInt(0, 30);
            int[] offsets = new int[count];
            int[] lengths = new int[count];
            int packedBytes = 0;
            EventPack pack = new EventPack(16);
            for (int i = 0; i < count; i++) {
                // Lengths around where their varint grows a byte (64 and 8192), and any other.
                int[] near = {1, 63, 64, 65, 8191, 8192, 8193, random.nextInt(1, 20_000)};
                lengths[i] = near[random.nextInt(near.length)];
                offsets[i] = random.nextInt(0, source.length - lengths[i]);
                packedBytes += EventPack.packedSize(lengths[i]);
                AvroBuffer b = new AvroBuffer(4);
                b.write(Arrays.copyOfRange(source, offsets[i], offsets[i] + lengths[i]));
                pack.add(b);
            }
            assertThat(packedBytes).isEqualTo(pack.sizeBytes());
            // The compressed value unpacks to the value of that pack, buffers kept from a larger pack or a smaller.
            byte[] compressed = compressor.value(source, offsets, lengths, count, packedBytes);
            assertThat(Snappy.uncompress(compressed)).isEqualTo(pack.toValue());
            EventPack.Contents read = EventPack.read(EventPack.headerValue(EventPack.COMPRESSED), compressed);
            assertThat(read.damage()).isNull();
            assertThat(read.records()).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(read.records().get(i))
                        .isEqualTo(Arrays.copyOfRange(source, offsets[i], offsets[i] + lengths[i]));
            }
        }
    }

    @Test
    void aCompressedPackIsSmallerWhenItsRecordsRepeatThemselves() {
        byte[] source = "{\"action\":\"play\",\"detail\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}".repeat(50)
                .getBytes(StandardCharsets.US_ASCII);
        int[] offsets = new int[50];
        int[] lengths = new int[50];
        Arrays.fill(lengths, source.length / 50);
        int packedBytes = 0;
        for (int i = 0; i < 50; i++) {
            offsets[i] = i * lengths[i];
            packedBytes += EventPack.packedSize(lengths[i]);
        }
        byte[] compressed = new EventPack.Compressor().value(source, offsets, lengths, 50, packedBytes);
        assertThat(compressed.length).isLessThan(packedBytes / 4);
        assertThat(EventPack.read(EventPack.headerValue(EventPack.COMPRESSED), compressed).records()).hasSize(50);
    }

    @Test
    void aCompressedValueThatDoesNotUnpackIsHandedBackWhole() {
        byte[] header = EventPack.headerValue(EventPack.COMPRESSED);
        Random random = new Random(13);
        byte[] good = new EventPack.Compressor().value(new byte[300], new int[] {0, 100}, new int[] {100, 200}, 2,
                EventPack.packedSize(100) + EventPack.packedSize(200));
        int notUnpacked = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] value;
            if (round % 2 == 0) {
                value = new byte[random.nextInt(0, 64)];
                random.nextBytes(value);
            } else {
                value = good.clone();  // a good block with a byte flipped, or cut short
                value[random.nextInt(value.length)] ^= (byte) (1 + random.nextInt(255));
                value = Arrays.copyOf(value, random.nextInt(1, value.length + 1));
            }
            EventPack.Contents read = EventPack.read(header, value);  // never throws
            if (read.damage() != null && read.damage().startsWith("a compressed pack")) {
                assertThat(read.records()).isEmpty();
                assertThat(read.rest()).as("nothing dropped unseen").isEqualTo(value);
                notUnpacked++;
            }
        }
        assertThat(notUnpacked).isGreaterThan(2_500);
        // A block that claims more than a pack may hold is not unpacked: 2^28 - 1 as the length's varint.
        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x00};
        EventPack.Contents read = EventPack.read(header, huge);
        assertThat(read.records()).isEmpty();
        assertThat(read.damage()).contains("claims 268435455 bytes");
        assertThat(read.rest()).isEqualTo(huge);
        assertThat(EventPack.read(header, new byte[0]).damage()).contains("not a Snappy block");
    }

    @Test
    void aDamagedValueKeepsTheRecordsBeforeTheDamageAndHandsBackEveryByteAfterIt() {
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] value = new byte[random.nextInt(0, 64)];
            random.nextBytes(value);
            EventPack.Contents read = EventPack.read(value);
            // The rest is the value's tail, and the records with their lengths (1 to 10 bytes each) fill the head.
            int head = value.length - read.rest().length;
            assertThat(Arrays.copyOfRange(value, head, value.length)).isEqualTo(read.rest());
            int records = read.records().stream().mapToInt(r -> r.length).sum();
            assertThat(head).as(Arrays.toString(value))
                    .isBetween(records + read.records().size(), records + 10 * read.records().size());
            if (!read.records().isEmpty()) {
                byte[] last = read.records().get(read.records().size() - 1);
                assertThat(Arrays.copyOfRange(value, head - last.length, head)).isEqualTo(last);
            }
            assertThat(read.damage() == null).isEqualTo(read.rest().length == 0);
        }
        byte[] cut = {4, 1, 2, 6, 1};  // a record of 2 bytes, then one of 3 bytes cut after its first
        EventPack.Contents read = EventPack.read(cut);
        assertThat(read.records()).containsExactly(new byte[] {1, 2});
        assertThat(read.damage()).contains("byte 3");
        assertThat(read.rest()).containsExactly(6, 1);
    }

    @Test
    void onlyTheFormatByteMarksAPack() {
        assertThat(EventPack.isPack(EventPack.headerValue(EventPack.PLAIN))).isTrue();
        assertThat(EventPack.isPack(EventPack.headerValue(EventPack.COMPRESSED))).isTrue();
        assertThat(EventPack.isPack(new byte[] {5})).isFalse();
        assertThat(EventPack.isPack(null)).isFalse();
        assertThat(EventPack.isPack(new byte[] {2})).isFalse();
        assertThat(EventPack.isPack(new byte[] {3, 0})).isFalse();
    }
}
