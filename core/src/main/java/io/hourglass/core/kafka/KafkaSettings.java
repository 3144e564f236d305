package io.hourglass.core.kafka;

import static java.util.Objects.requireNonNull;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How to reach Kafka and how to create topics.
 *
 * @param bootstrap         bootstrap servers, {@code host:port[,host:port]}
 * @param eventPartitions   partitions of each {@code events.<type>} topic
 * @param replicationFactor replication factor of every topic Hourglass creates
 * @param minInsyncReplicas {@code min.insync.replicas} of every topic Hourglass creates
 */
public record KafkaSettings(String bootstrap, int eventPartitions, short replicationFactor, int minInsyncReplicas) {
    /** The most a consumer asks for in one fetch: one partition's default share (Kafka may exceed it by a batch). */
    public static final int FETCH_MAX_BYTES = 1024 * 1024;
    /** The most an event producer sends in one request: under half of a 1 MiB G1 region, with room for headers. */
    public static final int MAX_REQUEST_BYTES = 480 * 1024;
    /** The largest record such a producer is given: a request's worth, less room for its headers and batch. */
    public static final int MAX_RECORD_BYTES = MAX_REQUEST_BYTES - 96 * 1024;
    /**
     * The largest control record, uncompressed: a seal, a partition's finalized tally or a bucket's announcement
     * names every host of its hour, megabytes of JSON at tens of thousands of hosts. The broker's limit (1 MiB by
     * default) applies to the compressed batch, which is a twentieth of that, as host names repeat.
     */
    public static final int MAX_CONTROL_RECORD_BYTES = 32 << 20;

    public KafkaSettings {
        requireNonNull(bootstrap, "bootstrap is null");
        if (eventPartitions < 1 || replicationFactor < 1 || minInsyncReplicas < 1) {
            throw new IllegalArgumentException("partitions, replication factor and min.insync.replicas must be >= 1");
        }
    }

    public static KafkaSettings singleNode(String bootstrap) {
        return new KafkaSettings(bootstrap, 3, (short) 1, 1);
    }

    /** Idempotent producer that acknowledges only once every in-sync replica has the record. */
    public Properties producer(String clientId) {
        Properties p = common(clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Snappy, not lz4: Kafka's lz4 stream allocates two 64 KiB buffers for every batch, which at hundreds of
        // partitions (small batches) was a seventh of the CPU in GC; snappy reuses its buffers and compresses
        // event JSON as well (2.9x on 16 KiB batches, like lz4).
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // 16 KiB batches let 64 MiB hold the in-flight batches of thousands of partitions without send() blocking.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * A producer of control records ({@code _hourglass.*}): as {@link #producer}, but compressed with zstd, and with
     * records of up to {@link #MAX_CONTROL_RECORD_BYTES} before compression, so that an hour of many hosts can close.
     */
    public Properties controlProducer(String clientId) {
        Properties p = producer(clientId);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_CONTROL_RECORD_BYTES);
        return p;
    }

    /**
     * A producer of events, one of {@code shards} that share the usual 64 MiB of buffer, lingering {@code lingerMs}
     * so that the packs of concurrent requests to one partition can share a batch. Its batches are not compressed:
     * packs come compressed ({@link EventPack}), and a broker validates a batch Kafka compressed by decompressing it.
     */
    public Properties bulkProducer(String clientId, int shards, int lingerMs) {
        Properties p = producer(clientId);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(8L * 1024 * 1024, 64L * 1024 * 1024 / shards));
        // A broker reads each request into a heap array of its size. An embedded broker in a 1 GB JVM has G1 regions
        // of 1 MiB, so a request of 512 KiB or more is a humongous object there, and once the old generation is past
        // G1's threshold each one started a concurrent cycle: up to 39% of the CPU (docs/performance.md).
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        return p;
    }

    /** Consumer that reads only committed data and never commits by itself. */
    public Properties consumer(String clientId, String groupId) {
        Properties p = common(clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // Kafka's default, 50 MiB a fetch (1 MiB a partition), gives a consumer catching up a response of megabytes
        // for every partition it owns: each is read through a temporary direct buffer of its whole size, zeroed
        // whenever a larger one comes, into a heap array that G1 allocates as humongous. A writer reading a sealed
        // backlog spent twice the CPU per event it spends tailing (docs/performance.md).
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        // A killed writer's partitions move to another one within seconds, not Kafka's default 45.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    public Properties admin(String clientId) {
        return common(clientId);
    }

    private Properties common(String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
