package shop.defaults;

/**
 * Who is calling, as the gateway authenticated them. The services learn it from the internal
 * token of the call ({@link InternalTokens}).
 */
public record Caller(String customer, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** An admin may act for anyone; a customer only for themself. */
    public boolean mayActFor(String customer) {
        return isAdmin() || this.customer.equals(customer);
    }
}
