package io.hourglass.completionist;

import java.util.Collection;
import java.util.stream.Collectors;

/** Host lists as a log line shows them: an hour may have tens of thousands of hosts. */
final class HostNames {
    /** The most names a log line lists; the rest are counted. */
    static final int SHOWN = 10;

    private HostNames() {
    }

    /** {@code "3 hosts: a, b, c"}, or the first {@link #SHOWN} names and {@code "and N more"}. */
    static String brief(Collection<String> hosts) {
        String names = hosts.stream().limit(SHOWN).collect(Collectors.joining(", "));
        int more = hosts.size() - SHOWN;
        return hosts.size() + (hosts.size() == 1 ? " host" : " hosts") + (hosts.isEmpty() ? "" : ": " + names)
                + (more > 0 ? " and " + more + " more" : "");
    }
}
