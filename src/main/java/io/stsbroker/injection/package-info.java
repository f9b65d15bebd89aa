/**
 * What the admission webhook decides for a pod or a workload's pod template: whether it opted in,
 * which sidecar it gets (as a JSON Patch), and whether its service account is granted the role it
 * names. No HTTP here ({@code api.admission} adapts it); depends on {@code policy} for the grant,
 * never the other way.
 */
package io.stsbroker.injection;
