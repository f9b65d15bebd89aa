package io.stsbroker.vending;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Byte renderings of one cached credential (the API keeps its serialised response bodies here, one
 * slot per format), made on first use and then shared by every hand-out until the entry goes.
 *
 * <p>Why: a warm hand-out then writes ready bytes instead of formatting the expiry and escaping a
 * kilobyte of security token on every request. Two threads that miss together may both render; the
 * results are equal, and one is kept.
 */
public final class Renderings {

    /** Slots per entry: the API has two response formats. */
    public static final int SLOTS = 2;

    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);

    /** The bytes in {@code slot}, rendered by {@code render} if there are none yet. */
    public byte[] computeIfAbsent(int slot, Supplier<byte[]> render) {
        byte[] bytes = slots.get(slot);
        if (bytes == null) {
            bytes = render.get();
            if (!slots.compareAndSet(slot, null, bytes)) {
                bytes = slots.get(slot);
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        // The bytes hold the secret and the token: never printed.
        return "Renderings[<hidden>]";
    }
}
