package io.hourglass.core.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a host tells the completionist. Markers and heartbeats share one topic of one partition, so that a heartbeat
 * whose watermark has passed an hour can never overtake that hour's marker (see {@link HostSignals#key}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Marker.class, name = "marker"),
    @JsonSubTypes.Type(value = Heartbeat.class, name = "heartbeat")
})
public sealed interface HostSignal permits Marker, Heartbeat {
    String host();
}
