package io.stsbroker.vending;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A rendering is kept from the second time its slot is asked for, per slot, and never printed. */
class RenderingsTest {

    @Test
    void aSlotAskedForOnceKeepsNothingAndFromTheSecondTimeOnItsBytesAreReused() {
        Renderings renderings = new Renderings();
        AtomicInteger rendered = new AtomicInteger();
        Supplier<byte[]> render = () -> new byte[] {(byte) rendered.incrementAndGet()};

        byte[] first = renderings.get(0, render);
        byte[] second = renderings.get(0, render);
        byte[] third = renderings.get(0, render);
        byte[] fourth = renderings.get(0, render);

        assertThat(rendered).hasValue(2);
        assertThat(second).isNotSameAs(first);
        assertThat(third).isSameAs(second);
        assertThat(fourth).isSameAs(second);
    }

    @Test
    void slotsAreIndependent() {
        Renderings renderings = new Renderings();
        renderings.get(0, () -> new byte[] {0});
        byte[] kept = renderings.get(0, () -> new byte[] {0});
        byte[] other = renderings.get(1, () -> new byte[] {1});
        assertThat(renderings.get(0, () -> new byte[] {9})).isSameAs(kept);
        assertThat(renderings.get(1, () -> new byte[] {1})).isNotSameAs(other);
    }

    @Test
    void toStringShowsNoBytes() {
        Renderings renderings = new Renderings();
        renderings.get(0, () -> "secret-token".getBytes());
        renderings.get(0, () -> "secret-token".getBytes());
        assertThat(renderings.toString()).doesNotContain("secret").doesNotContain("115");
    }
}
