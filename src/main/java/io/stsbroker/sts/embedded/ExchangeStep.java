package io.stsbroker.sts.embedded;

import java.util.Map;

/**
 * Test-only hook of {@link EmbeddedStsServer}, called for every request the protocol handler
 * answered: it sees the decoded parameters the broker sent and the answer, so a test can record
 * what STS was asked for (role ARN, session name, duration, policy, external id) and which
 * credential it issued for it, or send a different answer (a fault). Package-private on purpose,
 * like {@link FaultStep}: production code has no way to install one.
 */
@FunctionalInterface
interface ExchangeStep {

    /** The default: records nothing and sends the handler's answer. */
    ExchangeStep NONE = (received, reply) -> reply;

    /** @return the answer to send for {@code received}: {@code reply} itself, or another one */
    StsReply exchange(Map<String, String> received, StsReply reply);
}
