package shop.defaults;

import org.jspecify.annotations.Nullable;

/**
 * A call from another Shop service, as its internal token proves: which service called, for
 * which end user (none for public calls such as the catalog). A controller may take it as a
 * parameter.
 */
public record InternalCall(String service, @Nullable Caller caller) {

    static final String ATTRIBUTE = "shop.internal-call";
}
