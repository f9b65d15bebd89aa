package io.stsbroker.usage;

/**
 * One caller identity's counts over the window.
 *
 * @param served          credential requests answered 200
 * @param assumeRoleCalls AssumeRole calls made for its credentials (mints and background refreshes)
 * @param throttled       credential requests refused with 429
 * @param forbidden       credential requests refused with 403
 */
public record CallerUsage(String caller, long served, long assumeRoleCalls, long throttled, long forbidden) {
}
