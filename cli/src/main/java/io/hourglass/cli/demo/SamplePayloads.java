package io.hourglass.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;
import org.apache.avro.Schema;

/** Random payloads that match any record schema; the demo and benchmarks use them. */
public final class SamplePayloads {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] WORDS = {"jazz", "rock", "podcast", "focus", "running", "sleep", "indie", "lofi"};

    private SamplePayloads() {
    }

    public static ObjectNode of(Schema record, RandomGenerator random) {
        return (ObjectNode) value(record, random, 0);
    }

    private static JsonNode value(Schema s, RandomGenerator r, int depth) {
        return switch (s.getType()) {
            case RECORD -> {
                ObjectNode o = F.objectNode();
                s.getFields().forEach(f -> o.set(f.name(), value(f.schema(), r, depth + 1)));
                yield o;
            }
            case UNION -> {
                Schema nonNull = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
                        .orElse(s.getTypes().get(0));
                yield r.nextInt(10) == 0 || nonNull.getType() == Schema.Type.NULL ? F.nullNode()
                        : value(nonNull, r, depth);
            }
            case STRING -> F.textNode(WORDS[r.nextInt(WORDS.length)] + "-" + r.nextInt(1000));
            case BYTES -> F.textNode("b" + r.nextInt(1000));
            case INT -> F.numberNode(r.nextInt(10_000));
            case LONG -> F.numberNode(r.nextLong(1_000_000_000L));
            case FLOAT, DOUBLE -> F.numberNode(Math.round(r.nextDouble() * 10_000) / 100.0);
            case BOOLEAN -> F.booleanNode(r.nextBoolean());
            case ENUM -> F.textNode(s.getEnumSymbols().get(r.nextInt(s.getEnumSymbols().size())));
            case ARRAY -> {
                var a = F.arrayNode();
                for (int i = 0, n = depth > 3 ? 0 : r.nextInt(3); i < n; i++) {
                    a.add(value(s.getElementType(), r, depth + 1));
                }
                yield a;
            }
            case MAP -> {
                ObjectNode o = F.objectNode();
                for (int i = 0, n = depth > 3 ? 0 : r.nextInt(3); i < n; i++) {
                    o.set("k" + i, value(s.getValueType(), r, depth + 1));
                }
                yield o;
            }
            default -> F.nullNode();
        };
    }
}
