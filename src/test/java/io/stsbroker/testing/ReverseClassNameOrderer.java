package io.stsbroker.testing;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

import java.util.Comparator;

/**
 * Test classes in reverse order of their fully qualified names: the order in which the suite once
 * failed (a class compared expirations with the wall clock after others had moved the shared test
 * clock). Run it as Quarkus's secondary orderer to check that no class depends on running early:
 * {@code ./mvnw verify -Dtest.class.orderer=io.stsbroker.testing.ReverseClassNameOrderer}.
 */
public class ReverseClassNameOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(
                Comparator.comparing((ClassDescriptor d) -> d.getTestClass().getName()).reversed());
    }
}
