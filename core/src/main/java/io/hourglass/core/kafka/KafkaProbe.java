package io.hourglass.core.kafka;

import io.hourglass.core.service.Service;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the Kafka cluster for its nodes every few seconds, so that {@code /readyz} tells the truth. */
public final class KafkaProbe implements Service {
    private static final Logger log = LoggerFactory.getLogger(KafkaProbe.class);

    private final KafkaSettings kafka;
    private final Duration interval;
    private final AtomicBoolean reachable = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ScheduledExecutorService executor;
    private Admin admin;

    public KafkaProbe(KafkaSettings kafka, Duration interval) {
        this.kafka = kafka;
        this.interval = interval;
    }

    @Override
    public void start() {
        admin = Admin.create(kafka.admin("hourglass-probe"));
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-probe");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        boolean now;
        try {
            now = !admin.describeCluster().nodes().get(interval.toMillis() + 2000, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            now = false;
        }
        if (reachable.getAndSet(now) != now) {
            if (now) {
                log.info("Kafka at {} is reachable", kafka.bootstrap());
            } else {
                log.warn("Kafka at {} is unreachable; readiness is now false. Check the brokers.", kafka.bootstrap());
            }
        }
    }

    @Override
    public boolean ready() {
        return reachable.get();
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true) && executor != null) {
            executor.shutdownNow();
            admin.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public String name() {
        return "kafka";
    }
}
