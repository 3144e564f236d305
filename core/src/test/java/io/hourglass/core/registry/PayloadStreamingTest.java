package io.hourglass.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** The streaming form must accept, reject and convert exactly as the tree form does. */
class PayloadStreamingTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[
              {"name":"s","type":"string"},
              {"name":"i","type":"int"},
              {"name":"l","type":"long","default":7},
              {"name":"d","type":"double","default":0.5},
              {"name":"f","type":"float","default":1.5},
              {"name":"b","type":"boolean","default":false},
              {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]},"default":"A"},
              {"name":"by","type":"bytes","default":""},
              {"name":"opt","type":["null","int","string"],"default":null},
              {"name":"arr","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
                 {"name":"k","type":"string"},{"name":"v","type":["null","long"],"default":null}]}},"default":[]},
              {"name":"m","type":{"type":"map","values":"int"},"default":{}},
              {"name":"either","type":["null",{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]},
                 {"type":"map","values":"string"}],"default":null},
              {"name":"nested","type":["null",{"type":"record","name":"N","fields":[
                 {"name":"id","type":"string"},{"name":"tags","type":{"type":"array","items":"string"}}]}],
                 "default":null}]}""");

    private static final String[] VALUES = {
        "\"text\"", "\"A\"", "\"B\"", "\"Z\"", "1", "-5", "2147483648", "9223372036854775808", "1.25", "true", "false",
        "null", "[]", "[1,2]", "[\"a\"]", "{}", "{\"x\":1}", "{\"x\":\"y\"}", "{\"k\":\"a\"}",
        "[{\"k\":\"a\",\"v\":3}]", "[{\"k\":\"a\",\"v\":\"no\"}]", "{\"id\":\"n\",\"tags\":[\"t\"]}",
        "{\"id\":\"n\",\"tags\":[1]}", "{\"a\":1,\"b\":2}",
    };
    private static final String[] FIELDS = {"s", "i", "l", "d", "f", "b", "e", "by", "opt", "arr", "m", "either",
        "nested", "extra"};

    @Test
    void streamingAgreesWithTheTreeOnThousandsOfPayloads() throws Exception {
        Random random = new Random(42);
        int valid = 0;
        for (int n = 0; n < 20_000; n++) {
            String json = randomPayload(random);
            JsonNode tree = Json.MAPPER.readTree(json);
            String treeStrict = outcome(() -> PayloadConverter.validate(tree, SCHEMA));
            String streamStrict = outcome(() -> {
                try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
                    p.nextToken();
                    PayloadConverter.check(p, SCHEMA);
                }
            });
            assertThat(streamStrict).as(json).isEqualTo(treeStrict);
            valid += treeStrict.equals("ok") ? 1 : 0;

            Object[] fromTree = new Object[1];
            Object[] fromStream = new Object[1];
            String treeLoose = outcome(() -> fromTree[0] = PayloadConverter.toRecord(tree, SCHEMA));
            String streamLoose = outcome(() -> {
                try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
                    p.nextToken();
                    fromStream[0] = PayloadConverter.read(p, SCHEMA);
                }
            });
            assertThat(streamLoose).as(json).isEqualTo(treeLoose);
            assertThat(fromStream[0]).as(json).isEqualTo(fromTree[0]);
            if (fromStream[0] != null) {
                assertThat(GenericData.get().validate(SCHEMA, fromStream[0])).as(json).isTrue();
            }
        }
        assertThat(valid).as("valid payloads among the random ones").isGreaterThan(500);
    }

    /** Mostly well-typed values, so that many payloads are valid, with a random wrong one now and then. */
    private static String randomPayload(Random random) {
        List<String> parts = new ArrayList<>();
        String[] good = {"\"text\"", "1", "7", "0.5", "1.5", "true", "\"B\"", "\"text\"", "\"text\"",
            "[{\"k\":\"a\",\"v\":3}]", "{\"a\":1,\"b\":2}", "{\"x\":1}", "{\"id\":\"n\",\"tags\":[\"t\"]}", "1"};
        for (int i = 0; i < FIELDS.length; i++) {
            boolean required = i < 2;
            if (!required && random.nextInt(3) == 0 || FIELDS[i].equals("extra") && random.nextInt(4) != 0) {
                continue;
            }
            String value = random.nextInt(6) == 0 ? VALUES[random.nextInt(VALUES.length)] : good[i];
            parts.add("\"" + FIELDS[i] + "\":" + value);
        }
        java.util.Collections.shuffle(parts, random);
        return "{" + String.join(",", parts) + "}";
    }

    private interface Attempt {
        void run() throws Exception;
    }

    private static String outcome(Attempt a) throws Exception {
        try {
            a.run();
            return "ok";
        } catch (InvalidEventException e) {
            return e.reasonCode();
        }
    }
}
