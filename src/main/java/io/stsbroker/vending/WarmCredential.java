package io.stsbroker.vending;

/**
 * A credential found in the cache above its floor by {@link CredentialVendor#warm}, not yet handed
 * out: finding it changed nothing; {@link #handOut()} counts the hit, starts the background refresh
 * if one is due, and (with {@code broker.audit.hand-outs}) audits the hand-out.
 */
public final class WarmCredential {

    private final CredentialVendor vendor;
    private final CachedCredential entry;
    private final VendRequest request;

    WarmCredential(CredentialVendor vendor, CachedCredential entry, VendRequest request) {
        this.vendor = vendor;
        this.entry = entry;
        this.request = request;
    }

    /** Hands the credential out, even if the entry was dropped meanwhile: it was valid when found. */
    public VendedCredential handOut() {
        return vendor.handOutWarm(entry, request);
    }
}
