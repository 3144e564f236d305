package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeRecordEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketStageTest {
    private static final Instant H = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dir;

    private static BucketStage.Staged event(long offset, String id, String host, int version, boolean late) {
        Envelope e = new Envelope(id, "T", version, null, H.plusSeconds(5), H.plusSeconds(6), host, false,
                Json.MAPPER.createObjectNode().put("n", offset));
        return new BucketStage.Staged(offset, EnvelopeHeader.parse(e.toBytes()), e.toBytes(), SpillFile.Form.JSON,
                late);
    }

    @Test
    void firstCopyWinsDuplicatesAreCountedAndTheSealSplitsTheStage() throws IOException {
        Path spill = dir.resolve("s.spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        assertThat(s.add(event(10, a, "h1", 1, false))).isTrue();
        assertThat(s.add(event(11, b, "h2", 2, true))).isTrue();
        assertThat(s.add(event(12, a, "h1", 3, false))).isFalse();
        assertThat(s.add(event(20, c, null, 4, false))).isTrue();
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.minOffset()).isEqualTo(10);
        assertThat(s.size()).isEqualTo(3);

        assertThat(s.sealed(11)).isEqualTo(new BucketStage.Sealed(2, 2, 1, Map.of("h1", 1L, "h2", 1L)));
        assertThat(s.sealed(20)).isEqualTo(new BucketStage.Sealed(3, 4, 1, Map.of("h1", 1L, "h2", 1L, "", 1L)));
        // Known without reading the file; the duplicate's version 3 never counts.
        assertThat(List.of(s.maxVersion(9), s.maxVersion(11), s.maxVersion(19), s.maxVersion(20)))
                .containsExactly(0, 2, 2, 4);
        List<String> ids = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        s.read(true, e -> {
            ids.add(EnvelopeHeader.parse(e.raw()).id());
            offsets.add(e.offset());
        });
        assertThat(ids).containsExactly(a, b, c);
        assertThat(offsets).containsExactly(10L, 11L, 20L);
        s.read(false, e -> assertThat(e.raw()).isNull());

        assertThat(s.contains(b, 11)).isTrue();
        assertThat(s.contains(b, 10)).isFalse();
        assertThat(s.ids(11).contains(b)).isTrue();
        assertThat(s.ids(11).contains(c)).isFalse();
        assertThat(Files.exists(spill)).isTrue();
        s.close();
        assertThat(spill).doesNotExist();
        assertThat(Writer.fileName(7)).isEqualTo("part-00007.avro");
    }

    @Test
    void theEventsWaitOnDiskByteForByte() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            BucketStage.Staged e = event(i, UUID.randomUUID().toString(), "h" + i % 7, 1, i % 3 == 0);
            if (i % 2 == 0) {  // as from a collector of format 2: the lake record, with an Avro payload
                e = new BucketStage.Staged(e.offset(), e.header(),
                        LakeRecordEncoder.fromKafka("T", e.header(), new byte[] {(byte) (i % 100)}),
                        i % 4 == 0 ? SpillFile.Form.AVRO_CHECKED : SpillFile.Form.AVRO, e.late());
            }
            sent.add(e.raw());
            s.add(e);
        }
        List<byte[]> back = new ArrayList<>();
        List<Boolean> late = new ArrayList<>();
        List<SpillFile.Form> forms = new ArrayList<>();
        s.read(true, e -> {
            back.add(e.raw());
            late.add(e.late());
            forms.add(e.form());
        });
        assertThat(back).containsExactlyElementsOf(sent);
        assertThat(late.stream().filter(l -> l).count()).isEqualTo(1667);
        assertThat(forms.stream().filter(f -> f != SpillFile.Form.JSON).count()).isEqualTo(2500);
        assertThat(forms.subList(0, 4)).containsExactly(SpillFile.Form.AVRO_CHECKED, SpillFile.Form.JSON,
                SpillFile.Form.AVRO, SpillFile.Form.JSON);
        assertThat(Files.size(dir.resolve("s.spill"))).isGreaterThan(sent.stream().mapToLong(r -> r.length).sum());
        s.close();
    }

    @Test
    void aHugeHostRoundTripsAndADamagedSpillFileIsUnreadableNotACrash() throws IOException {
        Path spill = dir.resolve("s.spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill);
        String host = "h".repeat(70_000);
        s.add(event(1, UUID.randomUUID().toString(), host, 1, false));
        assertThat(s.sealed(1).hosts()).containsOnlyKeys(host);

        byte[] bytes = Files.readAllBytes(spill);
        byte[] damagedHost = bytes.clone();
        damagedHost[18] = (byte) 0x7F;  // the host length, after frame length, offset, late, form and version
        Files.write(spill, damagedHost);
        assertThatThrownBy(() -> s.sealed(1)).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining("damaged record length");
        byte[] damagedForm = bytes.clone();
        damagedForm[13] = 9;  // the form, after frame length, offset and late
        Files.write(spill, damagedForm);
        assertThatThrownBy(() -> s.sealed(1)).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining("damaged form 9");
        byte[] damagedFrame = bytes.clone();
        damagedFrame[0] = (byte) 0xFF;  // the frame length
        Files.write(spill, damagedFrame);
        assertThatThrownBy(() -> s.sealed(1)).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining("damaged record length");
        Files.write(spill, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> s.sealed(1)).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining("cut short");
        s.close();
    }

    @Test
    void aStageWithoutEventsHasNoFile() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 3, dir.resolve("never.spill"));
        assertThat(s.sealed(100)).isEqualTo(new BucketStage.Sealed(0, 0, 0, Map.of()));
        s.close();
        assertThat(dir.resolve("never.spill")).doesNotExist();
    }
}
