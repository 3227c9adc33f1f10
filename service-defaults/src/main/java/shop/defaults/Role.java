package shop.defaults;

/** What a caller may do: a customer acts on their own orders, an admin on all of them. */
public enum Role {
    CUSTOMER,
    ADMIN
}
