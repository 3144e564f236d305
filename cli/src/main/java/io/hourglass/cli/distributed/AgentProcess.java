package io.hourglass.cli.distributed;

import io.hourglass.core.config.Settings;
import io.hourglass.core.service.HttpEndpoints;
import io.hourglass.core.service.Service;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The agent's process: like the others, but with no Kafka or registry of its own. */
final class AgentProcess {
    private final Settings settings;
    private final Clock clock;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    AgentProcess(Settings settings) {
        this.settings = settings;
        this.clock = ComponentProcess.clock(settings);
    }

    Clock clock() {
        return clock;
    }

    PrometheusMeterRegistry metrics() {
        return metrics;
    }

    void run(Service agents, int port) throws InterruptedException {
        String host = settings.string("http.host", "127.0.0.1");
        settings.rejectUnknown(java.util.Set.of());
        HttpEndpoints http = new HttpEndpoints(host, port, metrics, List.of(agents), 1 << 20, r -> { });
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.stop();
            agents.stop();
            done.countDown();
        }, "shutdown"));
        agents.start();
        http.start();
        System.out.println("hourglass agent: running (http://" + host + ":" + http.port() + ")");
        done.await();
    }
}
