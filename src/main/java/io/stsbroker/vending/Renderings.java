package io.stsbroker.vending;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Byte renderings of one cached credential, one per slot (an index the caller gives each kind of
 * rendering it makes, below {@link #SLOTS}), kept from the second time a slot is asked for until
 * the entry goes. What the bytes are is the caller's business; this class only keeps them.
 *
 * <p>Why: a warm hand-out then writes ready bytes instead of formatting the expiry and escaping a
 * kilobyte of security token on every request. Why not from the first time: a rendering costs
 * about as much heap as the token itself, and most entries of a large cache (one per caller and
 * role) are asked for once per credential lifetime; only the ones asked for again are worth it.
 * Two threads that render together produce equal bytes; one is kept.
 */
public final class Renderings {

    /** Slots per entry: every slot kept costs about a token's worth of heap, so there are few. */
    public static final int SLOTS = 2;

    /** In a slot asked for once: nothing kept yet. */
    private static final Object ASKED_ONCE = new Object();

    private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(SLOTS);

    /** The bytes kept in {@code slot}, or fresh ones from {@code render} (kept if this slot was asked for before). */
    public byte[] get(int slot, Supplier<byte[]> render) {
        Object kept = slots.get(slot);
        if (kept instanceof byte[] bytes) {
            return bytes;
        }
        byte[] bytes = render.get();
        slots.compareAndSet(slot, kept, kept == null ? ASKED_ONCE : bytes);
        return bytes;
    }

    @Override
    public String toString() {
        // The bytes hold the secret and the token: never printed.
        return "Renderings[<hidden>]";
    }
}
