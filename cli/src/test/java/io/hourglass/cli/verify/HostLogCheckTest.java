package io.hourglass.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostLogCheckTest {
    private static final String ID = "6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d";

    @Test
    void aBadRowsIdIsReadFromItsRawLineWholeOrCut() {
        String line = "{\"type\":\"T\",\"payload\":{\"id\":\"inner\",\"xs\":[1,2]},\"id\":\"" + ID
                + "\",\"logged_at\":\"2026-03-01T10:00:00Z\"}";
        assertThat(HostLogCheck.idOf(line)).isEqualTo(ID);
        // Cut after the id, as a bad row too large to keep whole holds only the start of its line.
        assertThat(HostLogCheck.idOf(line.substring(0, line.indexOf("logged_at") + 3))).isEqualTo(ID);
        // Cut before it, or no event at all: nothing to match (the payload's own id is not the event's).
        assertThat(HostLogCheck.idOf(line.substring(0, line.indexOf(ID)))).isEmpty();
        assertThat(HostLogCheck.idOf("\u0001\u0001")).isEmpty();
        assertThat(HostLogCheck.idOf("[\"" + ID + "\"]")).isEmpty();
        assertThat(HostLogCheck.idOf("{\"id\":7}")).isEmpty();
    }
}
