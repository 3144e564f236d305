package io.hourglass.cli.distributed;

import io.hourglass.collector.Collector;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hourglass collector}: one stateless collector instance; run as many as you like behind a load balancer. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = "Run a collector against an external Kafka (keys: kafka.*, http.*, registry.dir, collector.*).")
public final class CollectorCommand implements Callable<Integer> {
    @Mixin
    ProcessOptions options;

    @Override
    public Integer call() throws Exception {
        ComponentProcess p = new ComponentProcess("collector", options.settings(Map.of()));
        Collector collector = new Collector(config(p.settings), p.kafka, () -> p.registry, p.clock, p.metrics);
        p.run(List.of(collector), collector::routes, 7070);
        return 0;
    }

    static CollectorConfig config(Settings s) {
        CollectorConfig d = CollectorConfig.defaults("c1");
        return s.build(() -> new CollectorConfig(
                s.string("collector.instance-id", java.net.InetAddress.getLoopbackAddress().getHostName() + "-"
                        + ProcessHandle.current().pid()),
                (int) s.bytes("collector.max-event-bytes", d.maxEventBytes()),
                s.bytes("collector.max-request-bytes", d.maxRequestBytes()),
                s.integer("collector.max-in-flight-batches", d.maxInFlightBatches()),
                s.bytes("collector.request-memory", d.requestMemory()),
                s.duration("collector.produce-timeout", d.produceTimeout()),
                s.duration("collector.direct-grace", d.directGrace()),
                s.duration("collector.heartbeat-interval", d.heartbeatInterval())));
    }

}
