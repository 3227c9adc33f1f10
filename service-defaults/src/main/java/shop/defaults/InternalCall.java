package shop.defaults;

import org.jspecify.annotations.Nullable;

/**
 * A call from another Shop service, as its internal token proves: which service called, for
 * which end user (none for calls made for nobody in particular, such as the catalog or a retry).
 */
public record InternalCall(String service, @Nullable Caller caller) {}
