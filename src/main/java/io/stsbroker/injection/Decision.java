package io.stsbroker.injection;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * What the webhook answers for one object: always allowed unless {@link #denial} is present, with
 * a JSON Patch (possibly empty) and warnings for whoever created the object.
 *
 * @param outcome   what happened, for the {@code broker.injector.reviews} metric
 * @param patch     JSON Patch operations, empty when nothing changes
 * @param warnings  admission warnings, already safe to return
 * @param denial    why the object is refused; empty when it is allowed
 * @param ungranted the identity that lacks the role, when the grant check failed
 */
public record Decision(Outcome outcome, List<ObjectNode> patch, List<String> warnings, Optional<String> denial,
                       Optional<String> ungranted) {

    public enum Outcome {
        /** A pod got its sidecar (or, re-invoked, its new containers their variables). */
        INJECTED,
        /** Not opted in, excluded, already complete, or not a kind the webhook handles. */
        UNCHANGED,
        /** A workload's pod template was checked: warnings only. */
        CHECKED,
        /** Opted in but unusable (no role, malformed role): refused. */
        DENIED;

        /** The metric tag value. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Decision {
        patch = List.copyOf(patch);
        warnings = List.copyOf(warnings);
    }

    static Decision unchanged(List<String> warnings) {
        return new Decision(Outcome.UNCHANGED, List.of(), warnings, Optional.empty(), Optional.empty());
    }

    static Decision denied(String why) {
        return new Decision(Outcome.DENIED, List.of(), List.of(), Optional.of(why), Optional.empty());
    }
}
